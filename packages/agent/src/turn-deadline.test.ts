import { conversationKey, type ModelRef, type ReplyPart } from '@switchboard/core';
import { IN_MEMORY, openStore, type Store } from '@switchboard/memory';
import { createAnthropicProvider } from '@switchboard/provider-anthropic';
import { createOpenAIProvider } from '@switchboard/provider-openai';
import { type FakeAnthropic, startFakeAnthropic } from '@switchboard/testkit/fake-anthropic';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTING } from './routing/defaults';
import { type AgentHarness, startAgentHarness } from './test-harness';

const GPT: ModelRef = 'openai:gpt-test';
const CLAUDE: ModelRef = 'anthropic:claude-test';
/** The per-attempt first-token timeout stays at its default (45 s); only the turn's budget is short. */
const FAST = { turnFirstTokenTimeoutMs: 2_000, firstTokenTimeoutMs: DEFAULT_ROUTING.firstTokenTimeoutMs };

describe('the deadlines of a turn, through the real SDKs against the fakes', () => {
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let store: Store;
  let harness: AgentHarness | undefined;
  let channel = 0;

  const providers = {
    openai: () =>
      createOpenAIProvider({
        apiKey: 'sk-test',
        baseURL: openai.url,
        models: ['gpt-test'],
        locality: 'cloud',
        timeoutMs: 120_000,
      }),
    anthropic: () =>
      createAnthropicProvider({
        apiKey: 'sk-ant-test',
        baseURL: anthropic.url,
        models: ['claude-test'],
        locality: 'cloud',
        timeoutMs: 120_000,
      }),
  };
  const ask = async (running: AgentHarness) => {
    channel += 1;
    const conversation = { channel: `deadline-${channel}` };
    const started = Date.now();
    const parts: ReplyPart[] = await running.say('/ask hello', conversation);
    const seconds = (Date.now() - started) / 1000;
    const key = conversationKey({ platform: 'telegram', account: 'bot', direct: true, ...conversation });
    const [task] = await store.listTasks(key, 1);
    return { end: parts.at(-1), parts, task, seconds };
  };

  beforeAll(async () => {
    openai = await startFakeOpenAI();
    anthropic = await startFakeAnthropic({ defaultBehaviour: { type: 'text', text: 'Claude answers.' } });
    store = await openStore({ dataDir: IN_MEMORY });
  });
  beforeEach(() => {
    openai.reset();
    anthropic.reset();
  });
  afterEach(async () => {
    await harness?.close();
  });
  afterAll(async () => {
    await store.close();
    await openai.close();
    await anthropic.close();
  });

  it('a provider that never answers: the fallback answers within the turn budget', async () => {
    harness = startAgentHarness({
      store,
      providers: [providers.openai(), providers.anthropic()],
      registry: { defaultRef: GPT, fallbacks: [CLAUDE] },
      routing: FAST,
    });
    openai.enqueue({ type: 'stall' });
    const { end, task, seconds } = await ask(harness);
    expect(end).toMatchObject({ type: 'reply-end', text: 'Claude answers.', meta: { model: CLAUDE } });
    expect(task).toMatchObject({ status: 'succeeded', model: CLAUDE });
    expect(seconds).toBeLessThan(35);
  });

  it('the only provider never answers: one clear error within the turn budget, no retries past it', async () => {
    harness = startAgentHarness({
      store,
      providers: [providers.openai()],
      registry: { defaultRef: GPT },
      routing: FAST,
    });
    openai.enqueue({ type: 'stall' }, { type: 'stall' }, { type: 'stall' });
    const { end, task, seconds } = await ask(harness);
    expect(end).toMatchObject({
      type: 'error',
      code: 'timeout',
      message: expect.stringContaining('No model started answering within 2 s'),
    });
    expect(task).toMatchObject({ status: 'failed', errorCode: 'timeout' });
    expect(openai.requests.filter((request) => request.path.endsWith('/chat/completions'))).toHaveLength(1);
    expect(seconds).toBeLessThan(35);
  });

  it('a stream that keeps trickling is stopped at the task deadline with a clear message', async () => {
    harness = startAgentHarness({
      store,
      providers: [providers.openai()],
      registry: { defaultRef: GPT },
      routing: { taskDeadlineMs: 1_500 },
    });
    openai.enqueue({ type: 'text', text: 'drip '.repeat(200), chunkSize: 5, delayMs: 200 });
    const { end, parts, task } = await ask(harness);
    expect(parts.some((part) => part.type === 'text-delta' && part.delta === 'drip ')).toBe(true);
    expect(end).toMatchObject({
      type: 'error',
      code: 'task_deadline',
      message: expect.stringContaining('stopped at the task deadline of 2 s (TASK_DEADLINE_SECONDS)'),
    });
    expect(task).toMatchObject({ status: 'failed', errorCode: 'task_deadline' });
    await expect.poll(() => openai.requests[0]?.outcome).toBe('client-closed');
  });
});
