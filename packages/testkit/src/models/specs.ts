import type { LlamaArchitecture, LlamaModelShape, TensorType } from '@switchboard/gguf';
import type { VocabularyName } from './vocabularies';

/** The models tests and benchmarks can ask for. */
export type TestModelKind = 'chat' | 'tools' | 'bench-0.5b';

/** Everything that decides a test model's bytes (hashed into its cache file name). */
export interface TestModelSpec {
  readonly architecture: LlamaArchitecture;
  readonly shape: LlamaModelShape;
  readonly weightType: TensorType;
  readonly seed: number;
  readonly name: string;
  readonly vocabulary: VocabularyName;
  readonly template: 'chatml' | 'qwen-tools';
}

const SMALL: LlamaModelShape = {
  embeddingLength: 64,
  blockCount: 2,
  headCount: 4,
  headCountKv: 2,
  feedForwardLength: 192,
  contextLength: 8192,
};

/** The spec of each kind. */
export const TEST_MODEL_SPECS: Readonly<Record<TestModelKind, TestModelSpec>> = {
  chat: {
    architecture: 'llama',
    shape: SMALL,
    weightType: 'f16',
    seed: 1,
    name: 'Switchboard test chat (random weights)',
    vocabulary: 'llama-spm-chatml',
    template: 'chatml',
  },
  tools: {
    architecture: 'qwen2',
    shape: { ...SMALL, tiedEmbeddings: true },
    weightType: 'q8_0',
    seed: 2,
    name: 'Switchboard test tools (random weights)',
    vocabulary: 'qwen2.5',
    template: 'qwen-tools',
  },
  'bench-0.5b': {
    architecture: 'qwen2',
    shape: {
      embeddingLength: 896,
      blockCount: 24,
      headCount: 14,
      headCountKv: 2,
      feedForwardLength: 4864,
      contextLength: 32768,
      tiedEmbeddings: true,
    },
    weightType: 'q8_0',
    seed: 3,
    name: 'Switchboard bench, Qwen2.5-0.5B shape (random weights)',
    vocabulary: 'qwen2.5',
    template: 'qwen-tools',
  },
};
