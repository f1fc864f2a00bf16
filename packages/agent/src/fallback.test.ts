import { conversationKey, type ModelRef, type ReplyPart } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { createAnthropicProvider } from '@switchboard/provider-anthropic';
import { createOpenAIProvider } from '@switchboard/provider-openai';
import { type FakeAnthropic, startFakeAnthropic } from '@switchboard/testkit/fake-anthropic';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AgentHarness, startAgentHarness } from './test-harness';

const GPT: ModelRef = 'openai:gpt-test';
const CLAUDE: ModelRef = 'anthropic:claude-test';
const FALLBACK_ANSWER = 'Claude answers instead.';
const PRIMARY_ANSWER = 'GPT answers.';
const TIMEOUTS = { firstTokenTimeoutMs: 400, idleTimeoutMs: 400 };

const endOf = (parts: readonly ReplyPart[]) => parts.at(-1);
const statuses = (parts: readonly ReplyPart[]) =>
  parts.flatMap((part) => (part.type === 'status' ? [part.text] : []));
const streamed = (parts: readonly ReplyPart[]) =>
  parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('');

describe('the one retry loop, through the real SDKs against the fakes', () => {
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let store: Store;
  let harness: AgentHarness;
  let channel = 0;

  const providers = () => [
    createOpenAIProvider({
      apiKey: 'sk-test-openai',
      baseURL: openai.url,
      models: ['gpt-test'],
      locality: 'cloud',
      timeoutMs: 10_000,
    }),
    createAnthropicProvider({
      apiKey: 'sk-ant-test',
      baseURL: anthropic.url,
      models: ['claude-test'],
      locality: 'cloud',
      timeoutMs: 10_000,
    }),
  ];
  const withFallback = () =>
    startAgentHarness({
      store,
      providers: providers(),
      registry: { defaultRef: GPT, fallbacks: [CLAUDE] },
      routing: TIMEOUTS,
    });
  const openaiOnly = () =>
    startAgentHarness({
      store,
      providers: [providers()[0] as ReturnType<typeof providers>[number]],
      registry: { defaultRef: GPT },
      routing: TIMEOUTS,
    });

  /** Ask in a fresh conversation; returns the parts and the task as stored. */
  const ask = async (question: string) => {
    channel += 1;
    const conversation = { channel: `fallback-${channel}` };
    const parts = await harness.say(`/ask ${question}`, conversation);
    const [task] = await store.listTasks(
      conversationKey({ platform: 'telegram', account: 'bot', channel: conversation.channel, direct: true }),
      1,
    );
    return { parts, task };
  };
  const attempts = () =>
    openai.requests.filter((r) => r.path.endsWith('/chat/completions')).length +
    anthropic.requests.filter((r) => r.path.endsWith('/messages')).length;

  beforeAll(async () => {
    openai = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: PRIMARY_ANSWER } });
    anthropic = await startFakeAnthropic({ defaultBehaviour: { type: 'text', text: FALLBACK_ANSWER } });
    store = await openStore({ dataDir: 'memory://' });
  });
  afterAll(async () => {
    await store.close();
    await openai.close();
    await anthropic.close();
  });
  beforeEach(() => {
    openai.reset();
    anthropic.reset();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('500 ×3 on the only model: three attempts, then a clear error and a failed task', async () => {
    harness = openaiOnly();
    openai.enqueue(
      { type: 'error', status: 500 },
      { type: 'error', status: 500 },
      { type: 'error', status: 500 },
    );
    const { parts, task } = await ask('hello');
    expect(endOf(parts)).toMatchObject({
      type: 'error',
      code: 'provider_unavailable',
      message: expect.stringContaining('after 3 attempts'),
    });
    expect(attempts()).toBe(3);
    expect(harness.sleeps).toEqual([500, 1000]);
    expect(task).toMatchObject({ status: 'failed', errorCode: 'provider_unavailable' });
  });

  it('500 on the primary: the fallback answers, with a status line, and the task records it', async () => {
    harness = withFallback();
    openai.enqueue({ type: 'error', status: 500 });
    const { parts, task } = await ask('hello');
    expect(endOf(parts)).toMatchObject({ type: 'reply-end', text: FALLBACK_ANSWER, meta: { model: CLAUDE } });
    expect(
      statuses(parts).some((line) =>
        /openai:gpt-test is unavailable; answering with anthropic:claude-test instead/.test(line),
      ),
    ).toBe(true);
    expect(attempts()).toBe(2);
    expect(task).toMatchObject({
      status: 'succeeded',
      model: CLAUDE,
      routeReason: expect.stringContaining('fell back to anthropic:claude-test'),
    });
    const events = await store.listTaskEvents(task?.id ?? '');
    expect(events.map((event) => event.type)).toEqual(['route', 'attempt-failed', 'fallback']);
  });

  it('429 with a small retry-after on the only model: waits as asked, retries, answers', async () => {
    harness = openaiOnly();
    openai.enqueue({ type: 'error', status: 429, retryAfterSeconds: 2 });
    const { parts, task } = await ask('hello');
    expect(endOf(parts)).toMatchObject({ type: 'reply-end', text: PRIMARY_ANSWER });
    expect(harness.sleeps).toEqual([2000]);
    expect(attempts()).toBe(2);
    expect(task?.status).toBe('succeeded');
  });

  it('429 with a huge retry-after: no waiting; the fallback answers and the circuit opens', async () => {
    harness = withFallback();
    openai.enqueue({ type: 'error', status: 429, retryAfterSeconds: 3600 });
    const first = await ask('hello');
    expect(endOf(first.parts)).toMatchObject({ type: 'reply-end', text: FALLBACK_ANSWER });
    expect(harness.sleeps).toEqual([]);
    const second = await ask('hello again');
    expect(endOf(second.parts)).toMatchObject({ type: 'reply-end', text: FALLBACK_ANSWER });
    expect(second.task?.routeReason).toMatch(/openai:gpt-test is unavailable \(circuit open/);
    expect(openai.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(1);
  });

  it('429 with a huge retry-after on the only model: a clear error at once', async () => {
    harness = openaiOnly();
    openai.enqueue({ type: 'error', status: 429, retryAfterSeconds: 3600 });
    const { parts, task } = await ask('hello');
    expect(endOf(parts)).toMatchObject({
      type: 'error',
      code: 'rate_limited',
      message: expect.stringContaining('60 min'),
    });
    expect(attempts()).toBe(1);
    expect(task?.status).toBe('failed');
  });

  it('overloaded (529) on the Anthropic primary: OpenAI answers', async () => {
    harness = startAgentHarness({
      store,
      providers: providers(),
      registry: { defaultRef: CLAUDE, fallbacks: [GPT] },
      routing: TIMEOUTS,
    });
    anthropic.enqueue({ type: 'error', status: 529 });
    const { parts, task } = await ask('hello');
    expect(endOf(parts)).toMatchObject({ type: 'reply-end', text: PRIMARY_ANSWER, meta: { model: GPT } });
    expect(statuses(parts).join('\n')).toMatch(/anthropic:claude-test is overloaded/);
    expect(attempts()).toBe(2);
    expect(task?.status).toBe('succeeded');
  });

  it('a server that never answers: the first-token timeout fires and the fallback answers', async () => {
    harness = withFallback();
    openai.enqueue({ type: 'stall' });
    const { parts, task } = await ask('hello');
    expect(endOf(parts)).toMatchObject({ type: 'reply-end', text: FALLBACK_ANSWER });
    expect(statuses(parts).join('\n')).toMatch(/openai:gpt-test timed out/);
    expect(task?.status).toBe('succeeded');
    expect(attempts()).toBe(2);
  });

  it('a stream that stalls after 200 tokens: the fallback answer replaces it, nothing is shown twice', async () => {
    harness = withFallback();
    const long = Array.from({ length: 200 }, (_, i) => `w${i} `).join('');
    openai.enqueue({ type: 'stall', afterChunks: 200, text: long, chunkSize: long.length / 200 });
    const { parts, task } = await ask('hello');
    const end = endOf(parts);
    expect(end).toMatchObject({ type: 'reply-end', text: FALLBACK_ANSWER });
    const shown = streamed(parts);
    expect(shown.length).toBeGreaterThan(0);
    expect(long.startsWith(shown)).toBe(true);
    expect(shown).not.toContain(FALLBACK_ANSWER);
    expect(statuses(parts).join('\n')).toMatch(/whole answer appears when it is done/);
    expect(task).toMatchObject({ status: 'succeeded', model: CLAUDE });
  });

  it('a malformed SSE chunk: the fallback answers', async () => {
    harness = withFallback();
    openai.enqueue({ type: 'malformed' });
    const { parts, task } = await ask('hello');
    expect(endOf(parts)).toMatchObject({ type: 'reply-end', text: FALLBACK_ANSWER });
    expect(attempts()).toBe(2);
    expect(task?.status).toBe('succeeded');
  });

  it('both providers failing: at most 3 attempts and one clear error', async () => {
    harness = withFallback();
    openai.enqueue({ type: 'error', status: 500 }, { type: 'error', status: 500 });
    anthropic.enqueue({ type: 'error', status: 500 }, { type: 'error', status: 500 });
    const { parts, task } = await ask('hello');
    expect(endOf(parts)).toMatchObject({ type: 'error' });
    expect(attempts()).toBeLessThanOrEqual(3);
    expect(task?.status).toBe('failed');
  });

  it('a circuit opened by repeated failures skips the provider until its cooldown', async () => {
    harness = withFallback();
    openai.enqueue(
      { type: 'error', status: 503 },
      { type: 'error', status: 503 },
      { type: 'error', status: 503 },
    );
    for (let i = 0; i < 3; i += 1) await ask(`hello ${i}`);
    const before = openai.requestCount;
    const { parts } = await ask('after the circuit opened');
    expect(endOf(parts)).toMatchObject({ type: 'reply-end', text: FALLBACK_ANSWER });
    expect(openai.requestCount).toBe(before);
  });

  it('prices every call: the task cost is the sum over its attempts, unknown prices count 0', async () => {
    const prices = new Map([
      [GPT, { inputPerMillionUsd: 1_000, outputPerMillionUsd: 2_000 }],
      [CLAUDE, { inputPerMillionUsd: 3_000, outputPerMillionUsd: 4_000 }],
    ]);
    harness = startAgentHarness({
      store,
      providers: providers(),
      registry: { defaultRef: GPT, fallbacks: [CLAUDE] },
      routing: TIMEOUTS,
      prices,
    });
    openai.enqueue({
      type: 'text',
      text: PRIMARY_ANSWER,
      usage: { prompt_tokens: 100, completion_tokens: 10 },
    });
    const priced = await ask('what does it cost?');
    expect(priced.task?.costUsd).toBeCloseTo(0.1 + 0.02, 10);
    expect(endOf(priced.parts)).toMatchObject({ meta: { costUsd: expect.closeTo(0.12, 10) } });

    anthropic.enqueue({ type: 'text', text: FALLBACK_ANSWER, usage: { input_tokens: 50, output_tokens: 5 } });
    openai.enqueue({ type: 'cut', afterChunks: 1, text: 'cut off mid-answer' });
    const fellBack = await ask('and now?');
    expect(fellBack.task).toMatchObject({ model: CLAUDE, inputTokens: 50, outputTokens: 5 });
    expect(fellBack.task?.costUsd).toBeCloseTo(0.15 + 0.02, 10);
  });

  it('a local-only conversation makes zero cloud calls, even when the local model fails', async () => {
    const localServer = await startFakeOpenAI({ defaultBehaviour: { type: 'error', status: 500 } });
    try {
      harness = startAgentHarness({
        store,
        providers: [
          createOpenAIProvider({
            name: 'local',
            baseURL: localServer.url,
            models: ['small'],
            locality: 'local',
          }),
          ...providers(),
        ],
        registry: { defaultRef: GPT, fallbacks: [CLAUDE, 'local:small'] },
        routing: TIMEOUTS,
      });
      const conversation = { channel: 'private-chat' };
      expect((await harness.say('/local on', conversation)).at(-1)).toMatchObject({ type: 'reply-end' });
      const hard = await harness.say(
        '/ask @cloud please refactor this code and explain the trade-offs',
        conversation,
      );
      expect(endOf(hard)).toMatchObject({ type: 'error', code: 'provider_unavailable' });
      const plain = await harness.say('/ask hello', conversation);
      expect(endOf(plain)).toMatchObject({ type: 'error' });
      expect(openai.requestCount).toBe(0);
      expect(anthropic.requestCount).toBe(0);
      expect(localServer.requestCount).toBeGreaterThanOrEqual(2);
      expect(localServer.requestCount).toBeLessThanOrEqual(6);
    } finally {
      await localServer.close();
    }
  });
});
