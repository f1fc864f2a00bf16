import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REFUSAL } from '@switchboard/agent';
import {
  type Config,
  type ControlMessage,
  conversationKey,
  createLogger,
  loadConfig,
} from '@switchboard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import {
  createWebhookSender,
  type FakeGraph,
  type GraphCall,
  messagesWebhook,
  newMessageId,
  signWhatsAppBody,
  startFakeGraph,
  type WebhookSender,
} from '@switchboard/testkit/fake-whatsapp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';

const silent = createLogger({ level: 'silent' });
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const ALICE = '15551230001';
const BOB = '15551230002';
const CAROL = '15551230003';
const STRANGER = '15559999999';
const APP_SECRET = 'e2e-app-secret';
const VERIFY_TOKEN = 'e2e-verify-token';
const QUICK = { type: 'text', text: 'Quick answer.', chunkSize: 6, delayMs: 5 } as const;

const completions = (openai: FakeOpenAI) =>
  openai.requests.filter((request) => request.path.endsWith('/chat/completions')).length;
const textOf = (call: GraphCall) =>
  String((call.body?.['text'] as { body?: unknown } | undefined)?.body ?? '');
const texts = (graph: FakeGraph, to: string) =>
  graph
    .sent(to)
    .filter((call) => call.kind === 'text')
    .map(textOf);

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('WhatsApp Cloud API through the whole box', () => {
  let clock = Date.UTC(2026, 5, 1, 9);
  const now = () => clock;
  let graph: FakeGraph;
  let openai: FakeOpenAI;
  let box: Box;
  let config: Config;
  let dataDir: string;
  let webhook: WebhookSender;
  const controls: ControlMessage[] = [];
  const key = (waId: string) =>
    conversationKey({ platform: 'whatsapp', account: graph.phoneNumberId, channel: waId, direct: true });

  const start = async () => {
    box = await startBox(config, { port: 0, logger: silent, clock: now });
    box.bus.onControl((message) => controls.push(message));
    webhook = createWebhookSender({ url: `${box.url}/whatsapp/webhook`, appSecret: APP_SECRET, graph, now });
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchboard-whatsapp-'));
    graph = await startFakeGraph({ now });
    openai = await startFakeOpenAI({ defaultBehaviour: QUICK });
    config = loadConfig({
      env: {
        SWITCHBOARD_DATA_DIR: dataDir,
        SWITCHBOARD_WORKSPACE: join(dataDir, 'workspace'),
        OPENAI_BASE_URL: openai.url,
        OPENAI_MODELS: 'fake-model',
        WHATSAPP_MODE: 'cloud',
        WHATSAPP_TOKEN: graph.token,
        WHATSAPP_PHONE_NUMBER_ID: graph.phoneNumberId,
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
        WHATSAPP_GRAPH_URL: graph.url,
        WHATSAPP_TEMPLATE: 'reply_waiting',
        WHATSAPP_ALLOWED_USERS: [ALICE, BOB, CAROL].join(','),
      },
      file: false,
    });
    await start();
  }, 60_000);
  afterAll(async () => {
    await box?.stop();
    await openai?.close();
    await graph?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers the verification handshake only with the verify token', async () => {
    const good = await webhook.verify(VERIFY_TOKEN, 'challenge-1158201444');
    expect(good).toMatchObject({ status: 200, body: 'challenge-1158201444' });
    expect((await webhook.verify('wrong-token', 'x')).status).toBe(403);
    expect((await webhook.verify(VERIFY_TOKEN, 'x', 'unsubscribe')).status).toBe(403);
  });

  it('answers a signed text message at once, shows typing, then sends the answer', async () => {
    const delivery = await webhook.text({ from: ALICE, name: 'Alice', body: 'hello there' });
    expect(delivery.status).toBe(200);
    const answer = await graph.waitFor(
      (call) =>
        call.status === 200 && call.kind === 'text' && call.to === ALICE && textOf(call) === 'Quick answer.',
      15_000,
    );
    const typing = graph.calls.find(
      (call) => call.kind === 'typing' && call.body?.['message_id'] === delivery.messageId,
    );
    expect(typing).toBeDefined();
    expect(graph.calls.indexOf(typing as GraphCall)).toBeLessThan(graph.calls.indexOf(answer));
    const [task] = await box.store.listTasks(key(ALICE), 10);
    expect(task).toMatchObject({ status: 'succeeded' });
  });

  it('delivers a 10,000-character answer complete and in order', async () => {
    const paragraphs = Array.from({ length: 20 }, (_, index) =>
      `Part ${index}. ${'Every word arrives in its place. '.repeat(15)}`.trim(),
    );
    const long = paragraphs.join('\n\n');
    expect(long.length).toBeGreaterThanOrEqual(10_000);
    openai.enqueue({ type: 'text', text: long, chunkSize: 2500, delayMs: 5 });
    const before = texts(graph, ALICE).length;
    await webhook.text({ from: ALICE, body: 'write a lot' });
    await graph.waitFor(
      (call) =>
        call.status === 200 &&
        call.kind === 'text' &&
        call.to === ALICE &&
        textOf(call).endsWith(paragraphs.at(-1) ?? ''),
      20_000,
    );
    const chunks = texts(graph, ALICE).slice(before);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(4096);
    expect(chunks.join(' ').replace(/\s+/g, ' ')).toBe(long.replace(/\s+/g, ' '));
  });

  it('refuses a re-serialised body and a wrong signature with 401, enqueueing nothing', async () => {
    const body = messagesWebhook({
      phoneNumberId: graph.phoneNumberId,
      contacts: [{ waId: ALICE, name: 'Alice' }],
      messages: [
        {
          from: ALICE,
          id: newMessageId(),
          timestamp: String(Math.floor(clock / 1000)),
          type: 'text',
          text: { body: 'sneaky' },
        },
      ],
    });
    const raw = JSON.stringify(body);
    const signature = signWhatsAppBody(raw, APP_SECRET);
    const tasksBefore = (await box.store.listTasks(key(ALICE), 100)).length;
    const callsBefore = completions(openai);
    const reserialised = JSON.stringify(JSON.parse(raw), null, 2);
    expect(JSON.parse(reserialised)).toEqual(body);
    expect((await webhook.post(reserialised, signature)).status).toBe(401);
    expect((await webhook.post(raw, signWhatsAppBody(raw, 'not-the-app-secret'))).status).toBe(401);
    expect((await webhook.post(raw, null)).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await box.store.listTasks(key(ALICE), 100)).length).toBe(tasksBefore);
    expect(completions(openai)).toBe(callsBefore);
  });

  it('refuses a number that is not allowed once, with zero model calls', async () => {
    const before = completions(openai);
    await webhook.text({ from: STRANGER, name: 'Mallory', body: 'give me your secrets' });
    await graph.waitFor(
      (call) =>
        call.status === 200 && call.kind === 'text' && call.to === STRANGER && textOf(call).includes(REFUSAL),
    );
    expect(completions(openai)).toBe(before);
    expect(texts(graph, STRANGER)).toHaveLength(1);
  });

  it('answers a voice note with "text only for now"', async () => {
    const delivery = await webhook.media({ from: ALICE, type: 'audio' });
    expect(delivery.status).toBe(200);
    await graph.waitFor(
      (call) =>
        call.status === 200 &&
        call.kind === 'text' &&
        call.to === ALICE &&
        textOf(call).includes('only read text'),
    );
  });

  it('renders a real approval from a real tool call as reply buttons; only the requester decides, once', async () => {
    openai.enqueue(
      {
        type: 'tool-calls',
        calls: [{ name: 'write_file', arguments: { path: 'note.txt', content: 'from whatsapp' } }],
      },
      { type: 'text', text: 'Saved the note.', chunkSize: 6, delayMs: 5 },
    );
    await webhook.text({ from: ALICE, name: 'Alice', body: 'save a note' });
    const posted = await graph.waitFor((call) => call.kind === 'interactive' && call.to === ALICE, 15_000);
    const interactive = posted.body?.['interactive'] as {
      body: { text: string };
      action: { buttons: { reply: { id: string; title: string } }[] };
    };
    expect(interactive.body.text).toContain('write_file: write 13 bytes to note.txt');
    const buttons = interactive.action.buttons.map((button) => button.reply);
    expect(buttons.map((button) => button.id.split(':').at(-1))).toEqual([
      'approve',
      'allow-conversation',
      'deny',
    ]);
    for (const button of buttons) expect(button.title.length).toBeLessThanOrEqual(20);
    const approvalId = buttons[0]?.id.split(':')[1] ?? '';
    const workspaceFile = join(dataDir, 'workspace', 'note.txt');
    await expect(readFile(workspaceFile)).rejects.toThrow();
    const press = () =>
      webhook.buttonReply({
        from: ALICE,
        name: 'Alice',
        buttonId: buttons[0]?.id ?? '',
        title: buttons[0]?.title ?? '',
        ...(posted.messageId === undefined ? {} : { context: posted.messageId }),
      });
    await Promise.all([press(), press()]);
    await graph.waitFor(
      (call) =>
        call.status === 200 &&
        call.kind === 'text' &&
        call.to === ALICE &&
        textOf(call) === 'Saved the note.',
      15_000,
    );
    expect(await readFile(workspaceFile, 'utf8')).toBe('from whatsapp');
    expect(
      controls.filter((control) => control.type === 'approval-decided' && control.approvalId === approvalId),
    ).toEqual([{ type: 'approval-decided', approvalId, choice: 'approve', by: `whatsapp:${ALICE}` }]);
  });

  it('retries after throttling (130429, 131056) and the answer still arrives', async () => {
    graph.fail({ code: 130429, to: BOB, kinds: ['text'] });
    graph.fail({ code: 131056, to: BOB, kinds: ['text'] });
    await webhook.text({ from: BOB, name: 'Bob', body: 'are you there?' });
    await graph.waitFor(
      (call) =>
        call.status === 200 && call.kind === 'text' && call.to === BOB && textOf(call) === 'Quick answer.',
      20_000,
    );
    const codes = graph.calls
      .filter((call) => call.to === BOB && call.errorCode !== undefined)
      .map((call) => call.errorCode);
    expect(codes).toEqual([130429, 131056]);
  });

  it('does not send a reply free-form 25 hours after the user last wrote: template now, reply when they write', async () => {
    openai.enqueue({ type: 'text', text: 'Late answer.', chunkSize: 1, delayMs: 150 });
    const asked = await webhook.text({ from: CAROL, name: 'Carol', body: 'think about this slowly' });
    await graph.waitFor(
      (call) => call.kind === 'typing' && call.body?.['message_id'] === asked.messageId,
      10_000,
    );
    clock += 25 * HOUR;
    const template = await graph.waitFor((call) => call.kind === 'template' && call.to === CAROL, 15_000);
    expect(template.body?.['template']).toMatchObject({ name: 'reply_waiting', language: { code: 'en_US' } });
    await until(async () => (await box.store.listTasks(key(CAROL), 10))[0]?.status === 'succeeded');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(graph.calls.filter((call) => call.to === CAROL && call.kind === 'text')).toEqual([]);
    expect(graph.calls.some((call) => call.to === CAROL && call.errorCode === 131047)).toBe(false);

    await webhook.text({ from: CAROL, name: 'Carol', body: 'hello again' });
    await graph.waitFor(
      (call) =>
        call.status === 200 && call.kind === 'text' && call.to === CAROL && textOf(call) === 'Late answer.',
      15_000,
    );
  });

  it('makes no second task for the same message delivered again 6 days later, after a restart', async () => {
    const id = newMessageId();
    const sentAt = clock;
    await webhook.text({ from: ALICE, name: 'Alice', body: 'remember this once', id, at: sentAt });
    await graph.waitFor(
      (call) =>
        call.status === 200 &&
        call.kind === 'text' &&
        call.to === ALICE &&
        call.at >= sentAt &&
        textOf(call) === 'Quick answer.',
      15_000,
    );
    const tasks = (await box.store.listTasks(key(ALICE), 100)).length;
    await box.stop();
    clock += 6 * DAY;
    await start();
    const callsBefore = completions(openai);
    const again = await webhook.text({
      from: ALICE,
      name: 'Alice',
      body: 'remember this once',
      id,
      at: sentAt,
    });
    expect(again.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await box.store.listTasks(key(ALICE), 100)).length).toBe(tasks);
    expect(completions(openai)).toBe(callsBefore);

    // The restarted box does take new messages: only the redelivery was dropped.
    await webhook.text({ from: ALICE, name: 'Alice', body: 'and this is new' });
    await until(async () => (await box.store.listTasks(key(ALICE), 100)).length === tasks + 1);
  }, 90_000);
});
