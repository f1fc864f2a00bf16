import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ActionInvocation, approvalButton, type ReplyPart } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import {
  type AnyTool,
  checkSandbox,
  defineTool,
  ensureWorkspace,
  listFilesTool,
  shellTool,
  ToolRegistry,
  writeFileTool,
} from '@switchboard/tools';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AgentHarness, scriptedOpenAI, startAgentHarness } from '../test-harness';

type Approval = Extract<ReplyPart, { type: 'approval-request' }>;

/** A `dangerous` tool that records every run, so a test can prove what ran and with which arguments. */
function recordingTool(runs: string[]) {
  return defineTool({
    name: 'launch',
    description: 'Launch something.',
    input: z.object({ target: z.string() }),
    risk: 'dangerous',
    summarize: ({ target }) => `launch ${target}`,
    run: async ({ target }) => {
      runs.push(target);
      return { text: `launched ${target}` };
    },
  });
}

const failing = defineTool({
  name: 'flaky',
  description: 'Always fails.',
  input: z.object({ n: z.number() }),
  risk: 'read',
  summarize: ({ n }) => `flaky ${n}`,
  run: async () => {
    throw new Error('the service is down');
  },
});

const press = (approvalId: string, choice: string): ActionInvocation =>
  approvalButton({ approvalId, choice });
const isApproval = (part: ReplyPart): part is Approval => part.type === 'approval-request';
const toolMessages = (fake: FakeOpenAI) =>
  fake.requests.flatMap((request) =>
    ((request.body as { messages?: { role: string; content: string }[] })?.messages ?? []).filter(
      (message) => message.role === 'tool',
    ),
  );

const sandbox = await checkSandbox();

describe('the tool loop, through the real OpenAI SDK against the scripted fake', () => {
  let fake: FakeOpenAI;
  let store: Store;
  let root: string;
  let workspace: string;
  let harness: AgentHarness;
  const runs: string[] = [];
  let conversation = 0;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'All done.' } });
    store = await openStore({ dataDir: 'memory://' });
    root = await mkdtemp(path.join(tmpdir(), 'tool-loop-'));
    await chmod(root, 0o755);
    workspace = await ensureWorkspace(path.join(root, 'workspace'));
  });
  afterEach(async () => {
    await harness?.close();
    fake.reset();
    runs.length = 0;
  });
  afterAll(async () => {
    await fake.close();
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  const start = (options: { ttlMs?: number; guards?: { maxConsecutiveErrors?: number } } = {}) => {
    const tools: AnyTool[] = [listFilesTool, writeFileTool, recordingTool(runs), failing];
    if (sandbox.available) tools.push(shellTool({ mode: 'bwrap', network: false }));
    harness = startAgentHarness({
      store,
      providers: [scriptedOpenAI(fake.url)],
      registry: { defaultRef: 'openai:gpt-test' },
      tools: {
        registry: new ToolRegistry(tools),
        workspace,
        approvalTtlMs: options.ttlMs ?? 60_000,
        ...(options.guards ? { guards: options.guards } : {}),
      },
    });
    conversation += 1;
    return { channel: `tools-${conversation}` };
  };
  /** Ask without waiting for the end (the task may wait for an approval). */
  const ask = (text: string, where: { channel: string }, user = '1') => harness.say(text, where, user);
  const nextApproval = async (seen: Set<string> = new Set()) =>
    (await harness.waitForPart((part) => isApproval(part) && !seen.has(part.approvalId))) as Approval;

  it('runs a read tool without asking, and gives the model its result', async () => {
    const where = start();
    fake.enqueue({ type: 'tool-calls', calls: [{ name: 'list_files', arguments: { path: '.' } }] });
    fake.respond((request) =>
      JSON.stringify(request.body).includes('"role":"tool"')
        ? { type: 'text', text: `Listed: ${toolMessages(fake).at(-1)?.content}` }
        : undefined,
    );
    const parts = await ask('/ask what is in the workspace?', where);
    expect(parts.some(isApproval)).toBe(false);
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: expect.stringContaining('Listed:') });
    const [task] = await store.listTasks(`telegram:bot:${where.channel}:-`, 1);
    const events = await store.listTaskEvents(task?.id ?? '');
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['tool-call', 'tool-result']));
    expect(events.find((event) => event.type === 'tool-call')?.data).toMatchObject({ decision: 'allow' });
  });

  it('waits for approval of a dangerous call, then runs it once with exactly the approved arguments', async () => {
    const where = start();
    fake.enqueue({ type: 'tool-calls', calls: [{ name: 'launch', arguments: { target: 'rocket' } }] });
    const answer = ask('/ask launch the rocket', where);
    const approval = await nextApproval();
    expect(approval.summary).toContain('launch rocket');
    expect(approval.choices).toEqual(['approve', 'deny']);
    expect(runs).toEqual([]);
    const taskOf = async () => (await store.listTasks(`telegram:bot:${where.channel}:-`, 1, 'ask'))[0];
    await expect.poll(async () => (await taskOf())?.status).toBe('waiting');
    const other = await harness.press(press(approval.approvalId, 'approve'), { user: '2' });
    expect(other).toMatchObject([{ type: 'error', code: 'not_your_approval' }]);
    expect(runs).toEqual([]);
    const [first, second] = await Promise.all([
      harness.press(press(approval.approvalId, 'approve')),
      harness.press(press(approval.approvalId, 'approve')),
    ]);
    const outcomes = [first, second].map((parts) => parts?.at(-1)?.type).sort();
    expect(outcomes).toEqual(['error', 'reply-end']);
    const parts = await answer;
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: 'All done.' });
    expect(runs).toEqual(['rocket']);
    expect(toolMessages(fake).at(-1)?.content).toBe('launched rocket');
    expect((await taskOf())?.status).toBe('succeeded');
    const late = await harness.press(press(approval.approvalId, 'approve'));
    expect(late).toMatchObject([{ type: 'error', code: 'approval_closed' }]);
    expect(runs).toEqual(['rocket']);
  });

  it('offers "allow for this conversation" for a write tool: later writes there run without asking', async () => {
    const where = start();
    fake.enqueue({
      type: 'tool-calls',
      calls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'one' } }],
    });
    const first = ask('/ask write a', where);
    const approval = await nextApproval();
    expect(approval.choices).toEqual(['approve', 'allow-conversation', 'deny']);
    expect(approval.summary).toContain('write 3 bytes to a.txt');
    await harness.press(press(approval.approvalId, 'allow-conversation'));
    await first;
    expect(await readFile(path.join(workspace, 'a.txt'), 'utf8')).toBe('one');
    fake.enqueue({
      type: 'tool-calls',
      calls: [{ name: 'write_file', arguments: { path: 'b.txt', content: 'two' } }],
    });
    const second = await ask('/ask write b', where);
    expect(second.some(isApproval)).toBe(false);
    expect(await readFile(path.join(workspace, 'b.txt'), 'utf8')).toBe('two');
    fake.enqueue({
      type: 'tool-calls',
      calls: [{ name: 'write_file', arguments: { path: 'c.txt', content: 'three' } }],
    });
    const elsewhere = ask('/ask write c', { channel: `${where.channel}-other` });
    const again = await nextApproval(new Set([approval.approvalId]));
    await harness.press(press(again.approvalId, 'deny'));
    await elsewhere;
    await expect(readFile(path.join(workspace, 'c.txt'))).rejects.toThrow();
  });

  it('never runs after a denial, and the model hears that it was denied', async () => {
    const where = start();
    fake.enqueue({ type: 'tool-calls', calls: [{ name: 'launch', arguments: { target: 'nukes' } }] });
    const answer = ask('/ask launch', where);
    const approval = await nextApproval();
    await harness.press(press(approval.approvalId, 'deny'));
    expect((await answer).at(-1)).toMatchObject({ type: 'reply-end' });
    expect(runs).toEqual([]);
    expect(toolMessages(fake).at(-1)?.content).toMatch(/denied this call; it did not run/);
    expect(await harness.press(press(approval.approvalId, 'approve'))).toMatchObject([
      { type: 'error', code: 'approval_closed' },
    ]);
    expect(runs).toEqual([]);
  });

  it('never runs after the approval expired, even when approved late', async () => {
    const where = start({ ttlMs: 300 });
    fake.enqueue({ type: 'tool-calls', calls: [{ name: 'launch', arguments: { target: 'late' } }] });
    const answer = ask('/ask launch', where);
    const approval = await nextApproval();
    expect((await answer).at(-1)).toMatchObject({ type: 'reply-end' });
    expect(toolMessages(fake).at(-1)?.content).toMatch(/Nobody approved this call in time/);
    expect(await harness.press(press(approval.approvalId, 'approve'))).toMatchObject([
      { type: 'error', code: 'approval_closed', message: expect.stringContaining('expired') },
    ]);
    expect(runs).toEqual([]);
  });

  it('asks again when the arguments change: an approval covers one exact call', async () => {
    const where = start();
    fake.enqueue(
      { type: 'tool-calls', calls: [{ name: 'launch', arguments: { target: 'probe' } }] },
      { type: 'tool-calls', calls: [{ name: 'launch', arguments: { target: 'probe --all' } }] },
    );
    const answer = ask('/ask launch twice', where);
    const first = await nextApproval();
    await harness.press(press(first.approvalId, 'approve'));
    const second = await nextApproval(new Set([first.approvalId]));
    expect(second.approvalId).not.toBe(first.approvalId);
    expect(second.summary).toContain('launch probe --all');
    await harness.press(press(second.approvalId, 'deny'));
    await answer;
    expect(runs).toEqual(['probe']);
  });

  it('stops a tool that always fails with a clear message, and the same call repeated', async () => {
    const where = start({ guards: { maxConsecutiveErrors: 5 } });
    fake.enqueue(
      ...[1, 2, 3, 4, 5, 6].map((n) => ({
        type: 'tool-calls' as const,
        calls: [{ name: 'flaky', arguments: { n } }],
      })),
    );
    const parts = await ask('/ask try', where);
    expect(parts.at(-1)).toEqual({
      type: 'error',
      code: 'stopped',
      message: 'stopped: 5 failed tool calls in a row',
    });
    fake.reset();
    fake.respond(() => ({ type: 'tool-calls', calls: [{ name: 'list_files', arguments: { path: '.' } }] }));
    const again = await ask('/ask loop', where);
    expect(again.at(-1)).toMatchObject({
      type: 'error',
      message: 'stopped: the same list_files call at most 3 times',
    });
  });

  it.skipIf(!sandbox.available)(
    'runs an approved shell command in the workspace, and /cancel stops `sleep 3600` within 2 s',
    async () => {
      const where = start();
      fake.enqueue({
        type: 'tool-calls',
        calls: [{ name: 'shell', arguments: { command: 'echo hi > made.txt' } }],
      });
      const answer = ask('/ask make a file', where);
      const approval = await nextApproval();
      expect(approval.summary).toContain('run `echo hi > made.txt`');
      await harness.press(press(approval.approvalId, 'approve'));
      await answer;
      expect(await readFile(path.join(workspace, 'made.txt'), 'utf8')).toBe('hi\n');

      fake.enqueue({ type: 'tool-calls', calls: [{ name: 'shell', arguments: { command: 'sleep 3600' } }] });
      const sleeping = ask('/ask sleep', where);
      const sleepApproval = await nextApproval(new Set([approval.approvalId]));
      await harness.press(press(sleepApproval.approvalId, 'approve'));
      await harness.waitForPart((part) => part.type === 'status' && part.text.includes('sleep 3600'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const cancelledAt = Date.now();
      await harness.say('/cancel', where);
      const parts = await sleeping;
      expect(Date.now() - cancelledAt).toBeLessThan(2000);
      expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: expect.stringContaining('cancelled') });
    },
  );
});
