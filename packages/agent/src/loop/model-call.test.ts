import type { LanguageModel, ModelRef } from '@switchboard/core';
import { openStore, type RecalledMemory, type Store } from '@switchboard/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HARNESS_SETTINGS } from '../test-harness';
import { estimateTokens, PER_MESSAGE_TOKENS } from './memory-window';
import { modelCallFor } from './model-call';

const small = (contextTokens: number): LanguageModel => ({
  ref: 'llama:small' as ModelRef,
  locality: 'local',
  contextTokens,
  countTokens: async (texts) => texts.map((text) => text.length), // one token per character
  stream: () => {
    throw new Error('not called');
  },
});

const memory = (content: string): RecalledMemory => ({
  id: 1,
  personId: 'p',
  channelKey: undefined,
  conversationKey: undefined,
  content,
  source: 'remember',
  createdAt: new Date('2026-12-01T00:00:00Z'),
  score: 1,
  matchedBy: ['text'],
});

describe('modelCallFor', () => {
  let store: Store;
  let key: string;
  beforeAll(async () => {
    store = await openStore({ dataDir: 'memory://' });
    key = (await store.ensureConversation({ platform: 'telegram', account: 'b', channel: 'c', direct: true }))
      .key;
    await store.addMessages(
      Array.from({ length: 40 }, (_, index) => ({
        conversationKey: key,
        role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
        content: `turn ${index} ${'x'.repeat(50)}`,
        taskId: undefined,
        authorId: undefined,
      })),
    );
  });
  afterAll(() => store.close());

  const total = (call: Awaited<ReturnType<typeof modelCallFor>>) =>
    call.messages.reduce((sum, message) => sum + message.content.length + PER_MESSAGE_TOKENS, 0) +
    (call.maxOutputTokens ?? 0);

  it('measures with the model’s tokenizer and stays within its context minus the answer budget', async () => {
    const settings = {
      ...HARNESS_SETTINGS,
      systemPrompt: 'Be brief.',
      maxOutputTokens: 200,
      memoryTokens: 100_000,
    };
    const call = await modelCallFor({
      store,
      settings,
      conversationKey: key,
      question: 'hi?',
      models: [small(1000)],
    });
    expect(total(call)).toBeLessThanOrEqual(1000);
    expect(call.maxOutputTokens).toBe(200);
    expect(call.messages.length).toBeGreaterThan(3);
    // The estimate alone (characters ÷ 4) would have let four times as many turns in.
    const estimated = await modelCallFor({ store, settings, conversationKey: key, question: 'hi?' });
    expect(estimated.messages.length).toBe(42);
    expect(estimateTokens('x'.repeat(400))).toBe(100);
  });

  it('drops recalled memories, then the summary, before it gives up the answer budget', async () => {
    await store.saveSummary({
      conversationKey: key,
      content: 's'.repeat(600),
      throughMessageId: 0,
      taskId: undefined,
    });
    const settings = {
      ...HARNESS_SETTINGS,
      systemPrompt: 'Be brief.',
      maxOutputTokens: 200,
      memoryTokens: 100_000,
    };
    const call = await modelCallFor({
      store,
      settings,
      conversationKey: key,
      question: 'hi?',
      recalled: [memory('m'.repeat(300))],
      models: [small(700)],
    });
    expect(call.messages[0]?.content).not.toContain('mmm');
    expect(call.messages[0]?.content).not.toContain('sss');
    expect(call.maxOutputTokens).toBe(200);
    expect(total(call)).toBeLessThanOrEqual(700);
  });
});
