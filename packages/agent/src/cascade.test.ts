import { conversationKey, type ModelRef, type ReplyPart, type RoutingRule } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { createAnthropicProvider } from '@switchboard/provider-anthropic';
import { createOpenAIProvider } from '@switchboard/provider-openai';
import { type FakeAnthropic, startFakeAnthropic } from '@switchboard/testkit/fake-anthropic';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AgentHarness, startAgentHarness } from './test-harness';

const LOCAL: ModelRef = 'local:small';
const GRADER: ModelRef = 'openai:grader';
const CLAUDE: ModelRef = 'anthropic:claude-test';
const DRAFT = 'A local draft answer.';
const CLOUD = 'The cloud answer.';

const grade = (score: number) => ({
  type: 'text' as const,
  text: JSON.stringify({ score, reason: `scored ${score}` }),
});

describe('cascade: answer locally, grade, escalate when the grade is low', () => {
  let local: FakeOpenAI;
  let grader: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let store: Store;
  let harness: AgentHarness;
  let channel = 0;

  const start = (cascade: RoutingRule['cascade']) => {
    harness = startAgentHarness({
      store,
      providers: [
        createOpenAIProvider({ name: 'local', baseURL: local.url, models: ['small'], locality: 'local' }),
        createOpenAIProvider({
          apiKey: 'sk-grader',
          baseURL: grader.url,
          models: ['grader'],
          locality: 'cloud',
        }),
        createAnthropicProvider({
          apiKey: 'sk-ant',
          baseURL: anthropic.url,
          models: ['claude-test'],
          locality: 'cloud',
        }),
      ],
      registry: { defaultRef: LOCAL },
      routing: { auto: false, rules: [{ name: 'checked', when: {}, cascade }] },
    });
  };
  const ask = async (question: string) => {
    channel += 1;
    const ref = {
      platform: 'telegram' as const,
      account: 'bot',
      channel: `cascade-${channel}`,
      direct: true,
    };
    const parts: ReplyPart[] = await harness.say(`/ask ${question}`, ref);
    const [task] = await store.listTasks(conversationKey(ref), 1);
    const events = task ? await store.listTaskEvents(task.id) : [];
    return { parts, task, events, end: parts.at(-1) };
  };
  const cascadeWith = (verifier: 'self' | ModelRef, threshold = 0.6, maxRounds = 1) => ({
    verifier,
    threshold,
    escalateTo: CLAUDE,
    maxRounds,
    maxVerifierTokens: 64,
  });

  beforeAll(async () => {
    local = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: DRAFT } });
    grader = await startFakeOpenAI();
    anthropic = await startFakeAnthropic({ defaultBehaviour: { type: 'text', text: CLOUD } });
    store = await openStore({ dataDir: 'memory://' });
  });
  afterAll(async () => {
    await store.close();
    await Promise.all([local.close(), grader.close(), anthropic.close()]);
  });
  beforeEach(() => {
    local.reset();
    grader.reset();
    anthropic.reset();
  });
  afterEach(() => harness.close());

  it('a high grade keeps the local answer: no cloud answer is requested', async () => {
    start(cascadeWith(GRADER));
    grader.enqueue(grade(0.9));
    const { end, events, task } = await ask('what is 2+2?');
    expect(end).toMatchObject({ type: 'reply-end', text: DRAFT, meta: { model: LOCAL } });
    expect(anthropic.requestCount).toBe(0);
    expect(events.find((event) => event.type === 'verdict')?.data).toMatchObject({
      score: 0.9,
      accepted: true,
    });
    expect(events.some((event) => event.type === 'escalation')).toBe(false);
    expect(task?.status).toBe('succeeded');
    const body = grader.requests[0]?.body as { response_format?: { type: string }; max_tokens?: number };
    expect(body.response_format?.type).toBe('json_schema');
    expect(body.max_tokens).toBe(64);
  });

  it('a grade exactly at the threshold is accepted', async () => {
    start(cascadeWith(GRADER, 0.6));
    grader.enqueue(grade(0.6));
    const { end } = await ask('borderline');
    expect(end).toMatchObject({ type: 'reply-end', text: DRAFT });
    expect(anthropic.requestCount).toBe(0);
  });

  it('a low grade escalates: the cloud answer replaces the draft, and both are task events', async () => {
    start(cascadeWith(GRADER, 0.6));
    grader.enqueue(grade(0.59));
    const { end, events, task, parts } = await ask('a hard question');
    expect(end).toMatchObject({ type: 'reply-end', text: CLOUD, meta: { model: CLAUDE } });
    expect(anthropic.requestCount).toBe(1);
    expect(events.map((event) => event.type)).toEqual(['route', 'verdict', 'escalation']);
    expect(events[2]?.data).toMatchObject({ from: LOCAL, to: CLAUDE, score: 0.59 });
    expect(task).toMatchObject({
      model: CLAUDE,
      routeReason: expect.stringContaining('escalated to anthropic:claude-test'),
    });
    const statuses = parts.flatMap((part) => (part.type === 'status' ? [part.text] : []));
    expect(statuses.join('\n')).toMatch(/scored 0\.59 \(below 0\.6\); asking anthropic:claude-test/);
  });

  it('the model grades itself with "self", through a JSON schema', async () => {
    start(cascadeWith('self'));
    local.enqueue({ type: 'text', text: DRAFT }, grade(0.1));
    const { end } = await ask('grade yourself');
    expect(end).toMatchObject({ type: 'reply-end', text: CLOUD });
    expect(local.requestCount).toBe(2);
    expect(grader.requestCount).toBe(0);
  });

  it('an unreadable grade counts as low; a failed grader leaves the draft accepted', async () => {
    start(cascadeWith(GRADER));
    grader.enqueue({ type: 'text', text: 'I think it is fine' });
    expect((await ask('unreadable')).end).toMatchObject({ text: CLOUD });
    grader.enqueue({ type: 'error', status: 500 });
    const failed = await ask('grader down');
    expect(failed.end).toMatchObject({ type: 'reply-end', text: DRAFT });
    expect(failed.events.find((event) => event.type === 'verdict')?.data).toMatchObject({ accepted: true });
  });

  it('rounds are capped: a redraft that grades well is accepted, and never more than maxRounds gradings', async () => {
    start(cascadeWith(GRADER, 0.6, 2));
    local.enqueue({ type: 'text', text: DRAFT }, { type: 'text', text: 'A better local answer.' });
    grader.enqueue(grade(0.2), grade(0.8));
    const better = await ask('two rounds');
    expect(better.end).toMatchObject({ type: 'reply-end', text: 'A better local answer.' });
    expect(grader.requestCount).toBe(2);
    expect(anthropic.requestCount).toBe(0);

    grader.reset();
    grader.enqueue(grade(0.2), grade(0.3));
    const escalated = await ask('still bad');
    expect(escalated.end).toMatchObject({ text: CLOUD });
    expect(grader.requestCount).toBe(2);
    expect(escalated.events.filter((event) => event.type === 'verdict')).toHaveLength(2);
  });
});
