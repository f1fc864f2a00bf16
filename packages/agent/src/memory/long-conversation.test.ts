import { randomUUID } from 'node:crypto';
import type {
  ConversationRef,
  LanguageModel,
  ModelCall,
  ModelPart,
  ModelProvider,
  ModelRef,
} from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { testModel } from '@switchboard/testkit/models';
import { getLlama, type LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HARNESS_SETTINGS, startAgentHarness } from '../test-harness';

const CONTEXT = 4096;
const TURNS = 200;
const FILLER =
  'Here is a long and careful answer about the weather, the garden, the river and the old town, with many words so the conversation grows quickly past what a small context can hold. ';

/** How the recorded prompt reaches a ChatML model, so its real token count can be checked. */
const render = (call: ModelCall) =>
  `${call.messages.map((message) => `<|im_start|>${message.role}\n${message.content}<|im_end|>\n`).join('')}<|im_start|>assistant\n`;

describe('a 200-turn conversation on a 4,096-token local model', () => {
  let store: Store;
  let tokenizer: LlamaModel;

  beforeAll(async () => {
    store = await openStore({ dataDir: 'memory://' });
    const llama = await getLlama({ gpu: false, build: 'never' });
    tokenizer = await llama.loadModel({ modelPath: await testModel('chat'), vocabOnly: true });
  }, 120_000);
  afterAll(async () => {
    await tokenizer?.dispose();
    await store?.close();
  });

  it('keeps every prompt within the context and carries a fact from turn 3 in the summary', async () => {
    // The same turns are measured on every question: count each distinct text once.
    const counted = new Map<string, number>();
    const count = (text: string) => {
      let tokens = counted.get(text);
      if (tokens === undefined) {
        tokens = tokenizer.tokenize(text, false, 'trimLeadingSpace').length;
        counted.set(text, tokens);
      }
      return tokens;
    };
    const prompts: ModelCall[] = [];
    const summaries: ModelCall[] = [];
    const model: LanguageModel = {
      ref: 'llama:scripted-4k' as ModelRef,
      locality: 'local',
      contextTokens: CONTEXT,
      countTokens: async (texts) => texts.map(count),
      async *stream(call): AsyncGenerator<ModelPart> {
        const isSummary = call.messages[0]?.content.startsWith('You keep a running summary');
        (isSummary ? summaries : prompts).push(call);
        // The scripted summarizer keeps the previous summary and every user line that holds a number.
        const user = call.messages.at(-1)?.content ?? '';
        const text = isSummary
          ? [
              /Summary so far:\n([\s\S]*?)\n\nNew turns:/.exec(user)?.[1]?.replace('(none)', '') ?? '',
              ...(user.split('New turns:\n')[1] ?? '')
                .split('\n')
                .filter((line) => line.startsWith('User:') && /\d/.test(line)),
            ]
              .filter(Boolean)
              .join('\n')
          : FILLER.repeat(3);
        yield { type: 'text-delta', delta: text };
        yield { type: 'finish', reason: 'stop', usage: { inputTokens: 0, outputTokens: 0 } };
      },
    };
    const provider: ModelProvider = {
      name: 'llama',
      locality: 'local',
      models: [model],
      check: async () => ({ ok: true, detail: 'ok' }),
    };
    const harness = startAgentHarness({
      store,
      providers: [provider],
      settings: { ...HARNESS_SETTINGS, memoryTokens: 100_000, maxOutputTokens: 1024 },
    });
    const chat: Partial<ConversationRef> = { channel: `long-${randomUUID()}`, direct: true };
    try {
      for (let turn = 1; turn <= TURNS; turn += 1) {
        const question =
          turn === 3
            ? 'Please note: my locker code is 4711.'
            : `Tell me more about the weather and the garden, please.`;
        await harness.say(question, chat);
        await harness.agent.settled();
      }
      await harness.say('What is my locker code?', chat);
    } finally {
      await harness.close();
    }

    expect(prompts).toHaveLength(TURNS + 1);
    // The whole prompt as the model reads it: ChatML's markers are single special tokens.
    const promptTokens = (call: ModelCall) =>
      tokenizer.tokenize(render(call), true, 'trimLeadingSpace').length;
    for (const [index, call] of prompts.entries()) {
      expect(promptTokens(call) + (call.maxOutputTokens ?? 0), `prompt ${index + 1}`).toBeLessThanOrEqual(
        CONTEXT,
      );
    }
    // The window really was cut: the conversation is far larger than the context.
    expect(count(FILLER.repeat(3)) * TURNS).toBeGreaterThan(CONTEXT * 5);
    expect(summaries.length).toBeGreaterThan(0);
    const last = prompts.at(-1);
    expect(last?.messages[0]?.content).toContain('Summary of the earlier conversation:');
    expect(last?.messages[0]?.content).toContain('my locker code is 4711');
  }, 600_000);
});
