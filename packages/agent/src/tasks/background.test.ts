import type { ReplyPart } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { defineTool, ToolRegistry } from '@switchboard/tools';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AgentHarness, scriptedOpenAI, startAgentHarness } from '../test-harness';

/** A `read` tool whose runs wait until the test opens them (or their signal aborts). */
class Gate {
  readonly started: number[] = [];
  readonly aborted: number[] = [];
  readonly #open = new Map<number, () => void>();

  readonly tool = defineTool({
    name: 'gate',
    description: 'Wait at a gate.',
    input: z.object({ n: z.number() }),
    risk: 'read',
    summarize: ({ n }) => `gate ${n}`,
    run: ({ n }, { signal }) =>
      new Promise((resolve, reject) => {
        this.started.push(n);
        this.#open.set(n, () => resolve({ text: `passed gate ${n}` }));
        signal.addEventListener('abort', () => {
          this.aborted.push(n);
          reject(new Error('aborted'));
        });
      }),
  });

  /** Let run `n` pass, once it has started. */
  async open(n: number): Promise<void> {
    await this.reached(n);
    this.#open.get(n)?.();
  }

  async reached(n: number): Promise<void> {
    for (let waited = 0; !this.started.includes(n); waited += 10) {
      if (waited > 10_000) throw new Error(`gate ${n} was never reached`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

const statusTexts = (parts: readonly ReplyPart[]) =>
  parts.flatMap((part) => (part.type === 'status' ? [part.text] : []));

describe('background tasks: a task outlives the request that started it', () => {
  let fake: FakeOpenAI;
  let store: Store;
  let harness: AgentHarness;
  let gate: Gate;
  let offset = 0;
  let conversation = 0;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'All done.' } });
    store = await openStore({ dataDir: 'memory://' });
  });
  afterEach(async () => {
    await harness?.close();
    await harness?.agent.settled();
    fake.reset();
  });
  afterAll(async () => {
    await fake.close();
    await store.close();
  });

  const start = () => {
    gate = new Gate();
    harness = startAgentHarness({
      store,
      now: () => Date.now() + offset,
      providers: [scriptedOpenAI(fake.url)],
      registry: { defaultRef: 'openai:gpt-test' },
      tools: { registry: new ToolRegistry([gate.tool]), workspace: '/nonexistent', approvalTtlMs: 60_000 },
      taskTiming: { foregroundMs: 50, progressMs: 5_000 },
    });
    conversation += 1;
    return { channel: `background-${conversation}` };
  };
  const gates = (...numbers: number[]) =>
    numbers.map((n) => ({ type: 'tool-calls' as const, calls: [{ name: 'gate', arguments: { n } }] }));
  const say = (text: string, where: { channel: string }) => harness.say(text, where);
  const lastText = (parts: readonly ReplyPart[]) => {
    const last = parts.at(-1);
    return last?.type === 'reply-end' ? last.text : '';
  };

  it('says "working on it — task #id", returns, and posts the result into the conversation when done', async () => {
    const where = start();
    fake.enqueue(...gates(1));
    const first = await say('/ask take your time', where);
    expect(first.some((part) => part.type === 'reply-end' || part.type === 'error')).toBe(false);
    const working = statusTexts(first).find((text) => text.startsWith('working on it — task #'));
    const id = /task #([0-9a-f]{8})/.exec(working ?? '')?.[1] ?? '';
    expect(id).toMatch(/^[0-9a-f]{8}$/);
    const marked = first.find((part) => part.type === 'status' && part.background !== undefined);
    expect(marked).toMatchObject({ text: working, background: { taskId: expect.stringMatching(`^${id}`) } });

    offset += 120_000;
    const listed = lastText(await say('/tasks', where));
    expect(listed).toContain(`#${id} · running · openai:gpt-test · 2 min ago · $0.0000`);

    await gate.open(1);
    const end = await harness.waitForPart((part) => part.type === 'reply-end' && part.text === 'All done.');
    expect(end).toMatchObject({ type: 'reply-end', text: 'All done.' });
    await harness.agent.settled();
    const [task] = await store.listTasks(`telegram:bot:${where.channel}:-`, 1, 'ask');
    expect(task?.status).toBe('succeeded');

    const steps = lastText(await say(`/task ${id}`, where));
    expect(steps).toContain(`Task #${id}: ${id} succeeded`);
    expect(steps).toContain('went on in the background');
    expect(steps).toContain('- 1. gate 1 — allow');
    expect(steps).toContain('- 1. gate done: passed gate 1');
  });

  it('lets through at most one progress line every TASK_PROGRESS_SECONDS while in the background', async () => {
    const where = start();
    fake.enqueue(...gates(1, 2, 3));
    await say('/ask three gates', where);
    offset += 1_000;
    await gate.open(1);
    await gate.reached(2);
    offset += 5_000;
    await gate.open(2);
    await gate.reached(3);
    await gate.open(3);
    await harness.waitForPart((part) => part.type === 'reply-end');
    const statuses = statusTexts(harness.parts());
    expect(statuses).not.toContain('running gate: gate 2…');
    expect(statuses).toContain('running gate: gate 3…');
  });

  it('/cancel <id> stops a background task and its running tool', async () => {
    const where = start();
    fake.enqueue(...gates(1));
    const first = await say('/ask wait at the gate', where);
    const id = /task #([0-9a-f]{8})/.exec(statusTexts(first).join('\n'))?.[1] ?? '';
    await gate.reached(1);
    const answer = lastText(await say(`/cancel ${id}`, where));
    expect(answer).toBe(`Cancelling task ${id}.`);
    const end = await harness.waitForPart((part) => part.type === 'reply-end' && part.text !== answer);
    expect(end).toMatchObject({ type: 'reply-end', text: expect.stringContaining('cancelled') });
    expect(gate.aborted).toEqual([1]);
    await harness.agent.settled();
    const [task] = await store.listTasks(`telegram:bot:${where.channel}:-`, 1, 'ask');
    expect(task?.status).toBe('cancelled');
  });

  it('answers in the foreground when the task ends in time', async () => {
    const where = start();
    const parts = await say('/ask quick one', where);
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: 'All done.' });
    expect(statusTexts(parts).some((text) => text.startsWith('working on it'))).toBe(false);
  });
});
