import type { PriceTable } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { defineTool, ToolRegistry } from '@switchboard/tools';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AgentHarness, scriptedOpenAI, startAgentHarness } from '../test-harness';
import type { GuardLimits } from './guards';

const PRICES: PriceTable = new Map([
  ['openai:gpt-test', { inputPerMillionUsd: 10, outputPerMillionUsd: 30 }],
]);

/** A `read` tool that answers at once. */
const lookup = defineTool({
  name: 'lookup',
  description: 'Look something up.',
  input: z.object({ n: z.number() }),
  risk: 'read',
  summarize: ({ n }) => `lookup ${n}`,
  run: async ({ n }) => ({ text: `found ${n}` }),
});

/** A `read` tool that runs until its signal aborts, recording that it was stopped. */
function waitingTool(stopped: string[]) {
  return defineTool({
    name: 'wait_forever',
    description: 'Wait.',
    input: z.object({}),
    risk: 'read',
    summarize: () => 'wait',
    run: (_input, { signal }) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          stopped.push(String(signal.reason));
          reject(new Error('aborted'));
        });
      }),
  });
}

describe('per-task caps, through the tool loop against the scripted OpenAI fake', () => {
  let fake: FakeOpenAI;
  let store: Store;
  let harness: AgentHarness;
  let conversation = 0;
  const stopped: string[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'All done.' } });
    store = await openStore({ dataDir: 'memory://' });
  });
  afterEach(async () => {
    await harness?.close();
    fake.reset();
    stopped.length = 0;
  });
  afterAll(async () => {
    await fake.close();
    await store.close();
  });

  const start = (guards: Partial<GuardLimits>) => {
    harness = startAgentHarness({
      store,
      prices: PRICES,
      providers: [scriptedOpenAI(fake.url)],
      registry: { defaultRef: 'openai:gpt-test' },
      tools: {
        registry: new ToolRegistry([lookup, waitingTool(stopped)]),
        workspace: '/nonexistent',
        approvalTtlMs: 60_000,
        guards,
      },
    });
    conversation += 1;
    return { channel: `caps-${conversation}` };
  };
  const lookups = (count: number, usage: { prompt_tokens: number; completion_tokens: number }) =>
    Array.from({ length: count }, (_, index) => ({
      type: 'tool-calls' as const,
      calls: [{ name: 'lookup', arguments: { n: index } }],
      usage,
    }));
  const stopEvents = async (channel: string) => {
    const [task] = await store.listTasks(`telegram:bot:${channel}:-`, 1);
    const events = await store.listTaskEvents(task?.id ?? '');
    return { task, tripped: events.filter((event) => event.type === 'guard-tripped') };
  };

  it('stops before the model call that would start past the token cap, and says which limit', async () => {
    const where = start({ maxTaskTokens: 2500 });
    fake.enqueue(...lookups(5, { prompt_tokens: 1000, completion_tokens: 200 }));
    const parts = await harness.say('/ask look things up', where);
    expect(parts.at(-1)).toEqual({
      type: 'error',
      code: 'stopped',
      message: "stopped: the task's token limit of 2,500 (used 3,600)",
    });
    expect(fake.requests).toHaveLength(3);
    const { task, tripped } = await stopEvents(where.channel);
    expect(task?.status).toBe('failed');
    expect(tripped.map((event) => event.data)).toEqual([
      expect.objectContaining({ limit: expect.stringContaining('token limit') }),
    ]);
  });

  it('stops before the model call that would start past the cost cap', async () => {
    const where = start({ maxTaskCostUsd: 0.05 });
    fake.enqueue(...lookups(5, { prompt_tokens: 2000, completion_tokens: 100 }));
    const parts = await harness.say('/ask look things up', where);
    expect(parts.at(-1)).toEqual({
      type: 'error',
      code: 'stopped',
      message: "stopped: the task's cost limit of $0.05 (spent $0.0690)",
    });
    expect(fake.requests).toHaveLength(3);
  });

  it('answers normally while the task stays under both caps', async () => {
    const where = start({ maxTaskTokens: 100_000, maxTaskCostUsd: 1 });
    fake.enqueue(...lookups(2, { prompt_tokens: 1000, completion_tokens: 200 }));
    const parts = await harness.say('/ask look things up', where);
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: 'All done.' });
    expect(fake.requests).toHaveLength(3);
  });

  it('stops a running tool at the wall-time cap and ends the task "stopped"', async () => {
    const where = start({ wallTimeMs: 400 });
    fake.enqueue({ type: 'tool-calls', calls: [{ name: 'wait_forever', arguments: {} }] });
    const parts = await harness.say('/ask wait', where);
    expect(stopped).toHaveLength(1);
    expect(parts.at(-1)).toEqual({
      type: 'error',
      code: 'stopped',
      message: "stopped: the task's time limit of 0.4 s",
    });
    expect(fake.requests).toHaveLength(1);
    const { task } = await stopEvents(where.channel);
    expect(task?.status).toBe('failed');
  });
});
