import type { ModelRef, RoutingRule } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { estimateDifficulty } from './difficulty';
import { type RoutableModel, type RouteRequest, type RouterSetup, route } from './route';

const LOCAL: ModelRef = 'llama:qwen2.5-0.5b';
const GPT: ModelRef = 'openai:gpt-4o';
const MINI: ModelRef = 'openai:gpt-4o-mini';
const CLAUDE: ModelRef = 'anthropic:claude-sonnet-4-5';

const models = (down: ModelRef[] = []): RoutableModel[] =>
  [
    { ref: LOCAL, locality: 'local' as const },
    { ref: GPT, locality: 'cloud' as const },
    { ref: MINI, locality: 'cloud' as const },
    { ref: CLAUDE, locality: 'cloud' as const },
  ].map((model) => ({
    ...model,
    available: !down.includes(model.ref),
    ...(down.includes(model.ref) ? { unavailableBecause: 'circuit open' } : {}),
  }));

const rules: RoutingRule[] = [
  { name: 'ops channel', when: { platform: ['slack'], channel: ['C-OPS'] }, model: CLAUDE, fallbacks: [GPT] },
  { name: 'private', when: { channel: ['secret'] }, policy: 'local-only' },
  { name: 'summaries', when: { keywords: ['summarize', 'tl;dr'] }, model: MINI },
  { name: 'boss', when: { user: ['telegram:1'], command: ['ask'] }, model: GPT },
  {
    name: 'checked',
    when: { channel: ['cascade'] },
    cascade: { verifier: 'self', threshold: 0.6, maxRounds: 1, maxVerifierTokens: 96 },
  },
];

const setup = (
  overrides: Partial<RouterSetup> = {},
  routing: Partial<RouterSetup['routing']> = {},
): RouterSetup => ({
  models: models(),
  defaultRef: LOCAL,
  fallbacks: [MINI, CLAUDE],
  routing: { rules, auto: true, hardModel: GPT, dailyCloudBudgetUsd: 1, ...routing },
  ...overrides,
});

const request = (overrides: Partial<RouteRequest> = {}): RouteRequest => ({
  command: 'ask',
  platform: 'telegram',
  channel: 'chat',
  user: 'telegram:2',
  text: 'hi there',
  needsTools: false,
  localOnly: false,
  cloudSpendTodayUsd: 0,
  ...overrides,
});

const LONG_CODE = `Refactor this and explain the trade-offs:\n\`\`\`ts\n${'function add(a, b) { return a + b; }\n'.repeat(20)}\`\`\``;

describe('route: a table of example requests', () => {
  const table: Array<{
    name: string;
    request: Partial<RouteRequest>;
    setup?: RouterSetup;
    primary: ModelRef | null;
    fallbacks?: ModelRef[];
    reason: RegExp;
  }> = [
    {
      name: 'everyday chat goes to the local default',
      request: {},
      primary: LOCAL,
      fallbacks: [MINI, CLAUDE],
      reason: /everyday chat/,
    },
    {
      name: 'long code with reasoning cues goes to the hard model',
      request: { text: LONG_CODE },
      primary: GPT,
      reason: /looks hard \(long, code, reasoning/,
    },
    {
      name: '@model for this request beats everything',
      request: { requested: CLAUDE, conversationModel: GPT, channel: 'C-OPS', platform: 'slack' },
      primary: CLAUDE,
      reason: /asked for with @/,
    },
    {
      name: '/model pin beats rules',
      request: { conversationModel: MINI, user: 'telegram:1' },
      primary: MINI,
      reason: /pinned with \/model/,
    },
    {
      name: '/model local prefers the local tier',
      request: { conversationModel: 'local', text: LONG_CODE },
      primary: LOCAL,
      reason: /prefers the local model/,
    },
    {
      name: '/model cloud prefers the hard model',
      request: { conversationModel: 'cloud' },
      primary: GPT,
      reason: /prefers the cloud model/,
    },
    {
      name: 'a rule on platform and channel, with its own fallbacks',
      request: { platform: 'slack', channel: 'C-OPS' },
      primary: CLAUDE,
      fallbacks: [GPT],
      reason: /rule "ops channel"/,
    },
    {
      name: 'a rule on keywords',
      request: { text: 'please summarize this thread' },
      primary: MINI,
      reason: /rule "summaries"/,
    },
    {
      name: 'keywords match whole words only',
      request: { text: 'the summarizer broke' },
      primary: LOCAL,
      reason: /everyday chat/,
    },
    {
      name: 'a rule on user and command',
      request: { user: 'telegram:1' },
      primary: GPT,
      reason: /rule "boss"/,
    },
    {
      name: 'a local-only rule keeps cloud models out',
      request: { channel: 'secret', text: LONG_CODE },
      primary: LOCAL,
      fallbacks: [],
      reason: /local-only by rule "private": llama:qwen2.5-0.5b instead of openai:gpt-4o/,
    },
    {
      name: 'a local-only conversation overrides a pin to the cloud',
      request: { localOnly: true, conversationModel: GPT },
      primary: LOCAL,
      fallbacks: [],
      reason: /local-only conversation/,
    },
    {
      name: 'the daily budget reached: answer locally and say so',
      request: { text: LONG_CODE, cloudSpendTodayUsd: 1.5 },
      primary: LOCAL,
      fallbacks: [],
      reason: /daily cloud budget reached \(\$1\.50 of \$1\.00\)/,
    },
    {
      name: 'under budget: the cloud is allowed',
      request: { text: LONG_CODE, cloudSpendTodayUsd: 0.99 },
      primary: GPT,
      reason: /looks hard/,
    },
    {
      name: 'an open circuit moves the model behind the available ones',
      request: { text: LONG_CODE },
      setup: setup({ models: models([GPT]) }),
      primary: MINI,
      reason: /openai:gpt-4o is unavailable \(circuit open\), so openai:gpt-4o-mini answers/,
    },
    {
      name: 'auto off: the default model',
      request: { text: LONG_CODE },
      setup: setup({}, { auto: false }),
      primary: LOCAL,
      reason: /^default model$/,
    },
    {
      name: 'a cloud default: no automatic routing',
      request: { text: LONG_CODE },
      setup: setup({ defaultRef: MINI }),
      primary: MINI,
      reason: /^default model$/,
    },
    {
      name: 'local-only with no local model is refused',
      request: { localOnly: true },
      setup: setup({ models: models().filter((m) => m.locality === 'cloud'), defaultRef: MINI }),
      primary: null,
      reason: /local-only/,
    },
  ];

  for (const row of table) {
    it(row.name, () => {
      const decision = route(request(row.request), row.setup ?? setup());
      if (row.primary === null) {
        expect(decision.ok).toBe(false);
        if (!decision.ok) expect(decision.reason).toMatch(row.reason);
        return;
      }
      expect(decision).toMatchObject({ ok: true, primary: row.primary });
      if (!decision.ok) return;
      expect(decision.reason).toMatch(row.reason);
      if (row.fallbacks) expect(decision.fallbacks).toEqual(row.fallbacks);
      expect(decision.fallbacks).not.toContain(decision.primary);
    });
  }

  it('a cascade rule on a local answer plans the escalation to the hard model', () => {
    const decision = route(request({ channel: 'cascade' }), setup());
    expect(decision).toMatchObject({ ok: true, primary: LOCAL, cascade: { escalateTo: GPT } });
  });

  it('no cascade when the conversation is local-only', () => {
    const decision = route(request({ channel: 'cascade', localOnly: true }), setup());
    expect(decision).toMatchObject({ ok: true, primary: LOCAL });
    expect(decision.ok && decision.cascade).toBeFalsy();
  });

  it('over budget with no local model: a clear refusal that says when it resets', () => {
    const decision = route(
      request({ cloudSpendTodayUsd: 2 }),
      setup({ models: models().filter((m) => m.locality === 'cloud'), defaultRef: MINI }),
    );
    expect(decision).toMatchObject({
      ok: false,
      code: 'budget_exceeded',
      message: expect.stringContaining('00:00 UTC'),
    });
  });

  it('is pure: the same input gives the same decision', () => {
    const input = request({ text: LONG_CODE });
    expect(route(input, setup())).toEqual(route(input, setup()));
  });
});

describe('estimateDifficulty', () => {
  it.each([
    ['hello!', false],
    ['what is the capital of France?', false],
    ['translate "good morning" to Spanish', false],
    [LONG_CODE, true],
    ['Design a database schema for a library and compare the trade-offs of two approaches', true],
    ['x'.repeat(2000), true],
  ])('%s → hard: %s', (text, hard) => {
    expect(estimateDifficulty(text, false).hard).toBe(hard);
  });

  it('needing tools raises the score', () => {
    expect(estimateDifficulty('check the weather', true).score).toBeGreaterThan(
      estimateDifficulty('check the weather', false).score,
    );
  });
});
