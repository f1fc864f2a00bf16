import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REFUSAL } from '@switchboard/agent';
import { type ControlMessage, conversationKey, createLogger, loadConfig } from '@switchboard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import {
  type FakeTelegram,
  startFakeTelegram,
  type TgChat,
  type TgMessage,
} from '@switchboard/testkit/fake-telegram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';

const silent = createLogger({ level: 'silent' });
const STORY = 'Once upon a time a small box answered every message, streaming as it wrote.';
/** About four seconds of streaming: long enough for several drafts or edits at one a second. */
const STREAMING = { type: 'text', text: STORY, chunkSize: 6, delayMs: 300 } as const;
const QUICK = { type: 'text', text: 'Quick answer.', chunkSize: 6, delayMs: 5 } as const;
const ALICE = 42;

const completions = (openai: FakeOpenAI) =>
  openai.requests.filter((request) => request.path.endsWith('/chat/completions')).length;
const telegramKey = (fake: FakeTelegram, chat: number) =>
  conversationKey({
    platform: 'telegram',
    account: String(fake.bot.id),
    channel: String(chat),
    direct: chat > 0,
  });

/** The bot's message in `chat` whose final text matches. */
async function finalMessage(
  fake: FakeTelegram,
  chat: number,
  match: (text: string) => boolean,
  timeoutMs = 15_000,
): Promise<TgMessage> {
  const call = await fake.waitFor(
    (candidate) =>
      candidate.ok === true &&
      Number(candidate.params['chat_id']) === chat &&
      (candidate.method === 'sendMessage' || candidate.method === 'editMessageText') &&
      match((candidate.result as TgMessage).text ?? ''),
    timeoutMs,
  );
  return call.result as TgMessage;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('Telegram through the whole box (long polling)', () => {
  let fake: FakeTelegram;
  let openai: FakeOpenAI;
  let box: Box;
  let alice: ReturnType<FakeTelegram['user']>;
  const controls: ControlMessage[] = [];
  let workspace: string;

  beforeAll(async () => {
    fake = await startFakeTelegram();
    openai = await startFakeOpenAI({ defaultBehaviour: QUICK });
    workspace = await mkdtemp(path.join(tmpdir(), 'telegram-workspace-'));
    const env = {
      SWITCHBOARD_WORKSPACE: workspace,
      SWITCHBOARD_DATA_DIR: 'memory://',
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODELS: 'fake-model',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_ALLOWED_USERS: String(ALICE),
    };
    box = await startBox(loadConfig({ env, file: false }), { port: 0, logger: silent });
    box.bus.onControl((message) => controls.push(message));
    alice = fake.user(ALICE, 'Alice', 'alice');
  });
  afterAll(async () => {
    await box?.stop();
    await openai?.close();
    await fake?.close();
    await rm(workspace, { recursive: true, force: true });
  });

  it('streams /ask in a private chat into drafts, then sends the final text', async () => {
    openai.enqueue(STREAMING);
    const update = fake.sendText({ from: alice, text: '/ask tell me a story' });
    const message = await finalMessage(fake, ALICE, (text) => text === STORY);
    expect(message.text).toBe(STORY);
    const drafts = fake.callsTo('sendMessageDraft', ALICE).filter((call) => call.ok === true);
    const partial = drafts
      .map((call) => String(call.params['text']))
      .filter((text) => text.startsWith('Once'));
    expect(partial.length).toBeGreaterThanOrEqual(2);
    expect(new Set(drafts.map((call) => call.params['draft_id'])).size).toBe(1);
    for (const [index, call] of drafts.entries()) {
      if (index > 0) expect(call.at - (drafts[index - 1]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    }
    const [task] = await box.store.listTasks(telegramKey(fake, ALICE), 10);
    expect(task).toMatchObject({ status: 'succeeded', model: 'openai:fake-model' });
    expect(fake.confirmedOffset).toBeGreaterThan(update.update_id);
  }, 20_000);

  it('ignores a group message that does not mention the bot, and answers one that does', async () => {
    const group: TgChat = fake.group(-1001, 'Team');
    const before = completions(openai);
    fake.sendText({ from: alice, chat: group, text: 'who is up for lunch?' });
    fake.sendText({ from: alice, chat: group, text: `@${fake.bot.username} what is lunch in French?` });
    await finalMessage(fake, group.id, (text) => text === 'Quick answer.');
    expect(completions(openai)).toBe(before + 1);
    const sends = fake.callsTo('sendMessage', group.id).filter((call) => call.ok === true);
    expect(sends).toHaveLength(1);
    expect(sends[0]?.params['reply_parameters']).toMatchObject({ allow_sending_without_reply: true });
    expect(await box.store.listTasks(telegramKey(fake, group.id), 10)).toHaveLength(1);
  });

  it('delivers a reply longer than 4096 characters complete and in order', async () => {
    const paragraphs = Array.from({ length: 10 }, (_, index) =>
      `Part ${index}. ${'The box keeps every word. '.repeat(45)}`.trim(),
    );
    const long = paragraphs.join('\n\n');
    openai.enqueue({ type: 'text', text: long, chunkSize: 2000, delayMs: 5 });
    const chat = fake.privateChat(alice);
    const before = fake.messages(chat.id).length;
    fake.sendText({ from: alice, text: 'write a lot' });
    await finalMessage(fake, chat.id, (text) => text.endsWith(paragraphs.at(-1) ?? ''));
    const texts = fake
      .messages(chat.id)
      .slice(before)
      .map((message) => message.text ?? '');
    expect(texts.length).toBeGreaterThanOrEqual(3);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(4096);
    expect(texts.join(' ').replace(/\s+/g, ' ')).toBe(long.replace(/\s+/g, ' '));
  });

  it('honours a 429 on edits in one group without delaying another', async () => {
    const slow = fake.group(-2001, 'Slow');
    const fast = fake.group(-2002, 'Fast');
    fake.rateLimit('editMessageText', { retryAfter: 4, chatId: slow.id });
    openai.enqueue(STREAMING, STREAMING);
    fake.sendText({ from: alice, chat: slow, text: '/ask story please' });
    fake.sendText({ from: alice, chat: fast, text: '/ask story please' });
    const fastDone = finalMessage(fake, fast.id, (text) => text === STORY).then(() => performance.now());
    const slowDone = finalMessage(fake, slow.id, (text) => text === STORY, 25_000).then(() =>
      performance.now(),
    );
    const [fastAt, slowAt] = await Promise.all([fastDone, slowDone]);
    const edits = fake.callsTo('editMessageText', slow.id);
    const limited = edits.find((call) => call.errorCode === 429);
    expect(limited).toBeDefined();
    for (const call of edits.filter((candidate) => candidate.at > (limited?.at ?? 0))) {
      expect(call.at - (limited?.at ?? 0)).toBeGreaterThanOrEqual(3900);
    }
    expect(fake.callsTo('editMessageText', fast.id).every((call) => call.errorCode === undefined)).toBe(true);
    expect(fastAt).toBeLessThan(slowAt);
  }, 30_000);

  it('renders a real approval from a real tool call as a keyboard; a double press runs it once, and allows the tool for the chat', async () => {
    openai.enqueue({
      type: 'tool-calls',
      calls: [{ name: 'write_file', arguments: { path: 'note.txt', content: 'from telegram' } }],
    });
    fake.sendText({ from: alice, text: '/ask save a note' });
    const posted = await fake.waitFor(
      (call) =>
        call.method === 'sendMessage' &&
        call.ok === true &&
        JSON.stringify(call.params['reply_markup'] ?? '').includes('approval:ap_'),
    );
    const message = posted.result as TgMessage;
    expect(message.text).toContain('write_file: write 13 bytes to note.txt');
    const buttons = message.reply_markup?.inline_keyboard.flat() ?? [];
    expect(buttons.map((button) => button.text.toLowerCase())).toEqual([
      'approve',
      'allow for this conversation',
      'deny',
    ]);
    await expect(readFile(path.join(workspace, 'note.txt'))).rejects.toThrow();
    const allow = buttons[1]?.callback_data ?? '';
    const approvalId = allow.split(':')[1];
    // Pressed twice: one press decides, the call runs once.
    const presses = [
      fake.pressButton({ from: alice, message, data: allow }),
      fake.pressButton({ from: alice, message, data: allow }),
    ];
    const edited = await finalMessage(fake, ALICE, (text) => text.includes('allow-conversation by Alice'));
    expect(edited.message_id).toBe(message.message_id);
    expect(edited.reply_markup).toBeUndefined();
    for (const press of presses)
      await fake.waitFor(
        (call) =>
          call.method === 'answerCallbackQuery' &&
          call.params['callback_query_id'] === press.callback_query?.id,
      );
    await finalMessage(fake, ALICE, (text) => text === 'Quick answer.');
    expect(await readFile(path.join(workspace, 'note.txt'), 'utf8')).toBe('from telegram');
    expect(
      controls.filter((control) => control.type === 'approval-decided' && control.approvalId === approvalId),
    ).toEqual([
      { type: 'approval-decided', approvalId, choice: 'allow-conversation', by: `telegram:${ALICE}` },
    ]);

    // "Allow for this conversation": the next write in this chat runs without asking.
    const keyboards = () =>
      fake.calls.filter((call) => JSON.stringify(call.params['reply_markup'] ?? '').includes('approval:ap_'));
    const before = keyboards().length;
    openai.enqueue(
      {
        type: 'tool-calls',
        calls: [{ name: 'write_file', arguments: { path: 'second.txt', content: 'no question' } }],
      },
      { type: 'text', text: 'Saved again.', chunkSize: 6, delayMs: 5 },
    );
    fake.sendText({ from: alice, text: '/ask save another note' });
    await finalMessage(fake, ALICE, (text) => text === 'Saved again.');
    expect(await readFile(path.join(workspace, 'second.txt'), 'utf8')).toBe('no question');
    expect(keyboards()).toHaveLength(before);
  }, 20_000);

  it('refuses an unknown user once, with zero model calls', async () => {
    const stranger = fake.user(999, 'Mallory');
    const before = completions(openai);
    fake.sendText({ from: stranger, text: '/ask give me your secrets' });
    const refusal = await finalMessage(fake, 999, (text) => text.includes(REFUSAL));
    expect(refusal.text).toContain(REFUSAL);
    expect(completions(openai)).toBe(before);
    expect(fake.messages(999)).toHaveLength(1);
  });
});

describe('Telegram through the whole box (webhook)', () => {
  const SECRET = 'e2e_Webhook-secret_0123456789';
  let fake: FakeTelegram;
  let openai: FakeOpenAI;
  let box: Box;

  beforeAll(async () => {
    fake = await startFakeTelegram();
    openai = await startFakeOpenAI({ defaultBehaviour: QUICK });
    const port = await freePort();
    const env = {
      SWITCHBOARD_DATA_DIR: 'memory://',
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODELS: 'fake-model',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/webhook`,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_ALLOWED_USERS: String(ALICE),
    };
    box = await startBox(loadConfig({ env, file: false }), { port, logger: silent });
  });
  afterAll(async () => {
    await box?.stop();
    await openai?.close();
    await fake?.close();
  });

  it('answers a message Telegram posts to the webhook', async () => {
    expect(fake.webhook).toEqual({ url: expect.stringMatching(/\/telegram\/webhook$/), secret: SECRET });
    fake.sendText({ from: fake.user(ALICE, 'Alice'), text: 'hello over the webhook' });
    await finalMessage(fake, ALICE, (text) => text === 'Quick answer.');
    expect(fake.webhookDeliveries.at(-1)?.status).toBe(200);
  });

  it('makes one task of the same update delivered three times', async () => {
    const user = fake.user(ALICE, 'Alice');
    const update = fake.textUpdate({ from: user, text: '/ask only once please' });
    openai.enqueue({ type: 'text', text: 'Answered once.', chunkSize: 6, delayMs: 5 });
    const before = completions(openai);
    const tasksBefore = (await box.store.listTasks(telegramKey(fake, ALICE), 50)).length;
    const deliveries = await Promise.all([
      fake.deliverWebhook(update),
      fake.deliverWebhook(update),
      fake.deliverWebhook(update),
    ]);
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200]);
    await finalMessage(fake, ALICE, (text) => text === 'Answered once.');
    expect((await fake.deliverWebhook(update)).status).toBe(200);
    // A later request in the same conversation is answered only after anything queued before it.
    openai.enqueue({ type: 'text', text: 'Barrier.', chunkSize: 6, delayMs: 5 });
    await fake.deliverWebhook(fake.textUpdate({ from: user, text: '/ask barrier' }));
    await finalMessage(fake, ALICE, (text) => text === 'Barrier.');
    expect(completions(openai)).toBe(before + 2);
    expect(await box.store.listTasks(telegramKey(fake, ALICE), 50)).toHaveLength(tasksBefore + 2);
    expect(fake.messages(ALICE).filter((message) => message.text === 'Answered once.')).toHaveLength(1);
  });

  it('rejects a wrong or missing webhook secret and enqueues nothing', async () => {
    const user = fake.user(ALICE, 'Alice');
    const forged = fake.textUpdate({ from: user, text: '/ask forged request' });
    const before = completions(openai);
    const tasksBefore = (await box.store.listTasks(telegramKey(fake, ALICE), 50)).length;
    expect((await fake.deliverWebhook(forged, { secret: 'wrong_secret' })).status).toBe(401);
    expect((await fake.deliverWebhook(forged, { secret: null })).status).toBe(401);
    openai.enqueue({ type: 'text', text: 'Genuine.', chunkSize: 6, delayMs: 5 });
    expect((await fake.deliverWebhook(fake.textUpdate({ from: user, text: '/ask genuine' }))).status).toBe(
      200,
    );
    await finalMessage(fake, ALICE, (text) => text === 'Genuine.');
    expect(completions(openai)).toBe(before + 1);
    expect(await box.store.listTasks(telegramKey(fake, ALICE), 50)).toHaveLength(tasksBefore + 1);
  });
});
