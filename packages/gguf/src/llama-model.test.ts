import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChatMLChatWrapper,
  defineChatSessionFunction,
  getLlama,
  type Llama,
  LlamaChatSession,
  type LlamaModel,
  QwenChatWrapper,
  readGgufFileInfo,
  resolveChatWrapper,
  TokenBias,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoModel } from './demo-model';
import { type LlamaModelOptions, type LlamaModelShape, writeLlamaModel } from './llama-model';
import { readGgufHeader } from './reader';
import { syntheticVocabulary } from './synthetic-vocabulary';
import { CHATML_TEMPLATE, QWEN_TOOLS_TEMPLATE } from './templates';
import type { TensorType } from './tensor-types';
import { findValue } from './values';
import { readVocabulary } from './vocabulary';

const SHAPE: LlamaModelShape = {
  embeddingLength: 64,
  blockCount: 2,
  headCount: 4,
  headCountKv: 2,
  feedForwardLength: 128,
  contextLength: 2048,
};
const STORIES = new URL('../../../../shared/fixtures/stories260K.gguf', import.meta.url).pathname;
const STORIES_MISSING = !existsSync(STORIES);
if (STORIES_MISSING) {
  console.warn(
    `SKIPPED readVocabulary stories260K smoke test: the fixture is not at ${STORIES}. It is a real trained model in the shared folder beside the clone (../shared/fixtures); put stories260K.gguf there to run it.`,
  );
}

let directory: string;
let llama: Llama;
const vocabulary = syntheticVocabulary();

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gguf-llama-'));
  llama = await getLlama({ gpu: false, build: 'never', maxThreads: 2, logLevel: 'error' as never });
});
afterAll(async () => {
  await llama?.dispose();
  await rm(directory, { recursive: true, force: true });
});

function options(overrides: Partial<LlamaModelOptions> = {}): LlamaModelOptions {
  return {
    shape: SHAPE,
    weightType: 'f16',
    seed: 1,
    name: 'test model',
    vocabulary,
    chatTemplate: CHATML_TEMPLATE,
    ...overrides,
  };
}

async function withModel<T>(path: string, use: (model: LlamaModel) => Promise<T>): Promise<T> {
  const model = await llama.loadModel({ modelPath: path });
  try {
    return await use(model);
  } finally {
    await model.dispose();
  }
}

async function chat(model: LlamaModel, prompt: string) {
  const context = await model.createContext({ contextSize: 512, threads: 2 });
  try {
    const session = new LlamaChatSession({ contextSequence: context.getSequence() });
    const meta = await session.promptWithMeta(prompt, { maxTokens: 6, temperature: 0 });
    return { meta, usage: session.sequence.tokenMeter.getState() };
  } finally {
    await context.dispose();
  }
}

describe('writeLlamaModel', () => {
  it.each<TensorType>(['f32', 'f16', 'q8_0'])(
    'writes a %s model that loads and answers through LlamaChatSession',
    async (weightType) => {
      const path = join(directory, `chat-${weightType}.gguf`);
      await writeLlamaModel(path, options({ weightType, seed: 11 }));
      const { usage } = await withModel(path, (model) => chat(model, 'Hello, how is the weather today?'));
      expect(usage.usedInputTokens).toBeGreaterThan(5);
      expect(usage.usedOutputTokens).toBeGreaterThan(0);
    },
  );

  it('writes metadata that reads back the same through readGgufHeader and readGgufFileInfo', async () => {
    const path = join(directory, 'metadata.gguf');
    await writeLlamaModel(path, options({ weightType: 'q8_0', shape: { ...SHAPE, tiedEmbeddings: true } }));
    const header = await readGgufHeader(path);
    expect(findValue(header.metadata, 'general.architecture')).toEqual({ type: 'string', value: 'llama' });
    expect(findValue(header.metadata, 'llama.attention.head_count_kv')).toEqual({ type: 'u32', value: 2 });
    expect(header.tensors).toHaveLength(2 + SHAPE.blockCount * 9);
    expect(header.tensors.find((tensor) => tensor.name === 'output.weight')).toBeUndefined();
    expect(header.tensors[0]).toMatchObject({
      name: 'token_embd.weight',
      shape: [64, vocabulary.size],
      type: 'q8_0',
    });
    const info = await readGgufFileInfo(path);
    expect(info.metadata.general).toMatchObject({ architecture: 'llama', name: 'test model', file_type: 7 });
    expect(info.metadata.tokenizer?.chat_template).toBe(CHATML_TEMPLATE);
    expect(info.metadata.tokenizer?.ggml.tokens).toHaveLength(vocabulary.size);
    const copied = await readVocabulary(path);
    expect(copied.metadata).toEqual([
      ...vocabulary.metadata,
      { key: 'tokenizer.chat_template', value: { type: 'string', value: CHATML_TEMPLATE } },
    ]);
  });

  it('refuses a shape it cannot write, naming the problem', async () => {
    const write = writeLlamaModel(
      join(directory, 'bad.gguf'),
      options({ shape: { ...SHAPE, headCount: 5 } }),
    );
    await expect(write).rejects.toMatchObject({ code: 'gguf_bad_options', message: /multiple of headCount/ });
  });
});

describe('chat templates in node-llama-cpp', () => {
  it('resolves CHATML_TEMPLATE to ChatMLChatWrapper', async () => {
    const path = join(directory, 'chatml.gguf');
    await writeLlamaModel(path, options());
    const wrapper = await withModel(path, async (model) => resolveChatWrapper(model));
    expect(wrapper).toBeInstanceOf(ChatMLChatWrapper);
  });

  it('resolves QWEN_TOOLS_TEMPLATE to QwenChatWrapper on a qwen2 model, not on a llama one', async () => {
    const qwen = join(directory, 'qwen.gguf');
    const llamaArchitecture = join(directory, 'llama-qwen-template.gguf');
    await writeLlamaModel(qwen, options({ architecture: 'qwen2', chatTemplate: QWEN_TOOLS_TEMPLATE }));
    await writeLlamaModel(llamaArchitecture, options({ chatTemplate: QWEN_TOOLS_TEMPLATE }));
    expect(await withModel(qwen, async (model) => resolveChatWrapper(model))).toBeInstanceOf(QwenChatWrapper);
    expect(await withModel(llamaArchitecture, async (model) => resolveChatWrapper(model))).not.toBeInstanceOf(
      QwenChatWrapper,
    );
  });

  it('calls a function on the demo model when the <tool_call> prefix is forced by a token bias', async () => {
    const { path } = await ensureDemoModel(directory);
    const calls: unknown[] = [];
    let biasRequests = 0;
    await withModel(path, async (model) => {
      const context = await model.createContext({ contextSize: 2048, threads: 2 });
      const session = new LlamaChatSession({ contextSequence: context.getSequence() });
      const forced = model.tokenize('<tool_call>\n{"name": "', true);
      const getWeather = defineChatSessionFunction({
        description: 'The weather in a city',
        params: {
          type: 'object',
          properties: { city: { type: 'string', maxLength: 12 }, unit: { enum: ['C', 'F'] } },
          required: ['city', 'unit'],
        },
        handler: (params) => {
          calls.push(params);
          return { temperature: 21 };
        },
      });
      const meta = await session.promptWithMeta('What is the weather in Paris?', {
        functions: { getWeather },
        maxParallelFunctionCalls: 1,
        maxTokens: 56,
        temperature: 0,
        tokenBias: () => {
          const token = forced[biasRequests++];
          return token === undefined
            ? new TokenBias(model.tokenizer)
            : new TokenBias(model.tokenizer).set(token, { logit: 1000 });
        },
      });
      const history = session.getChatHistory();
      await context.dispose();
      expect(meta.stopReason).not.toBe('abort');
      const answer = history.at(-1);
      expect(answer?.type === 'model' && answer.response[0]).toMatchObject({
        type: 'functionCall',
        name: 'getWeather',
      });
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ city: expect.any(String), unit: expect.stringMatching(/^[CF]$/) });
    expect(biasRequests).toBeGreaterThan(5);
  });
});

describe('syntheticVocabulary in llama.cpp', () => {
  it('round-trips any UTF-8 text exactly through the loaded tokenizer', async () => {
    const { path } = await ensureDemoModel(directory);
    const texts = [
      'Hello, world!',
      '  leading and trailing spaces  ',
      'Emoji 😀👍🏽 and flags 🇫🇷, CJK 日本語の文章, Hangul 한국어, Arabic مرحبا',
      'tabs\tnew\nlines\r\n and <tool_call> text </tool_call> <|im_end|> typed by a user',
      'combining é (e + \u0301), zero width \u200b joiner, NUL-free control \u0007',
      ...randomTexts(40),
    ];
    await withModel(path, async (model) => {
      for (const text of texts) expect(model.detokenize(model.tokenize(text))).toBe(text);
    });
  });

  it('tokenizes common English into word pieces, not characters', async () => {
    const { path } = await ensureDemoModel(directory);
    const text = 'the weather in the city is warm today';
    const count = await withModel(path, async (model) => model.tokenize(text).length);
    expect(count).toBeLessThanOrEqual(10);
  });
});

describe('readVocabulary', () => {
  it.skipIf(STORIES_MISSING)(
    'copies a real model’s tokenizer so a new model tokenizes the same',
    async () => {
      const stories = await readVocabulary(STORIES);
      expect(stories.size).toBe(512);
      const path = join(directory, 'stories-vocab.gguf');
      await writeLlamaModel(path, options({ vocabulary: stories, weightType: 'f32' }));
      const text = 'Once upon a time, there was a little girl named Lily.';
      const original = await withModel(STORIES, async (model) => [...model.tokenize(text)]);
      const copy = await withModel(path, async (model) => [...model.tokenize(text)]);
      expect(copy).toEqual(original);
      expect(original.length).toBeGreaterThan(5);
    },
  );
});

/** Strings of random code points from every plane (no lone surrogates), from a fixed seed. */
function randomTexts(count: number): string[] {
  let state = 12_345;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state;
  };
  const texts: string[] = [];
  for (let index = 0; index < count; index++) {
    let text = '';
    for (let length = next() % 30; length > 0; length--) {
      const range = next() % 4;
      const codePoint =
        range === 0
          ? 0x20 + (next() % 0x5f)
          : range === 1
            ? 0xa0 + (next() % 0xd000)
            : range === 2
              ? 0xe000 + (next() % 0x2000)
              : 0x10000 + (next() % 0x40000);
      text += String.fromCodePoint(codePoint);
    }
    texts.push(text);
  }
  return texts;
}
