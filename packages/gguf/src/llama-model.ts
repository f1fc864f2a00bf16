import { GgufError } from './errors';
import { hashString } from './random';
import type { TensorFill, TensorSpec } from './tensor-data';
import type { TensorType } from './tensor-types';
import { type GgufKeyValue, gguf } from './values';
import type { Vocabulary } from './vocabulary';
import { writeGguf } from './writer';

/** The size of a llama-family transformer. */
export interface LlamaModelShape {
  readonly embeddingLength: number;
  readonly blockCount: number;
  readonly headCount: number;
  readonly headCountKv: number;
  readonly feedForwardLength: number;
  readonly contextLength: number;
  /** Reuse the token embedding as the output matrix (no `output.weight`), as small Qwen models do. */
  readonly tiedEmbeddings?: boolean;
}

/**
 * `llama`: Llama's architecture. `qwen2`: the same transformer plus q/k/v biases and NEOX rope, which
 * node-llama-cpp requires before it picks its Qwen chat wrapper (with function calling) for a model.
 */
export type LlamaArchitecture = 'llama' | 'qwen2';

/** Options of {@link writeLlamaModel}. */
export interface LlamaModelOptions {
  readonly shape: LlamaModelShape;
  readonly weightType: TensorType;
  /** Seeds the random weights: the same options always give the same bytes. */
  readonly seed: number;
  /** `general.name`. */
  readonly name: string;
  readonly vocabulary: Vocabulary;
  /** Jinja chat template; replaces any `tokenizer.chat_template` of the vocabulary. */
  readonly chatTemplate?: string;
  /** Defaults to `llama`. */
  readonly architecture?: LlamaArchitecture;
  /** Extra entries appended to the metadata (a version stamp, a description). */
  readonly extraMetadata?: readonly GgufKeyValue[];
  readonly signal?: AbortSignal;
  /** fsync before the atomic rename. */
  readonly durable?: boolean;
}

const FILE_TYPES: Readonly<Record<TensorType, number>> = { f32: 0, f16: 1, q8_0: 7 };
const WEIGHT_SCALE = 0.05;
const EMBEDDING_SCALE = 0.1;

/**
 * Writes a llama-family model with random weights and a real or synthetic tokenizer, loadable by
 * llama.cpp. Matrices use `weightType`; norms and biases are F32. Resolves to the file size in bytes.
 */
export async function writeLlamaModel(path: string, options: LlamaModelOptions): Promise<number> {
  checkShape(options.shape, options.weightType);
  const writeOptions = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.durable ? { durable: true } : {}),
  };
  return writeGguf(path, { metadata: llamaMetadata(options), tensors: llamaTensors(options) }, writeOptions);
}

/** The metadata {@link writeLlamaModel} writes, in order. */
export function llamaMetadata(options: LlamaModelOptions): GgufKeyValue[] {
  const architecture = options.architecture ?? 'llama';
  const { shape } = options;
  const headLength = shape.embeddingLength / shape.headCount;
  const prefix = (key: string) => `${architecture}.${key}`;
  const metadata: GgufKeyValue[] = [
    { key: 'general.architecture', value: gguf.string(architecture) },
    { key: 'general.name', value: gguf.string(options.name) },
    { key: 'general.alignment', value: gguf.u32(32) },
    { key: 'general.file_type', value: gguf.u32(FILE_TYPES[options.weightType]) },
    { key: prefix('context_length'), value: gguf.u32(shape.contextLength) },
    { key: prefix('embedding_length'), value: gguf.u32(shape.embeddingLength) },
    { key: prefix('block_count'), value: gguf.u32(shape.blockCount) },
    { key: prefix('feed_forward_length'), value: gguf.u32(shape.feedForwardLength) },
    { key: prefix('attention.head_count'), value: gguf.u32(shape.headCount) },
    { key: prefix('attention.head_count_kv'), value: gguf.u32(shape.headCountKv) },
    {
      key: prefix('attention.layer_norm_rms_epsilon'),
      value: gguf.f32(architecture === 'qwen2' ? 1e-6 : 1e-5),
    },
    { key: prefix('rope.freq_base'), value: gguf.f32(architecture === 'qwen2' ? 1_000_000 : 10_000) },
  ];
  if (architecture === 'llama') {
    metadata.push(
      { key: prefix('rope.dimension_count'), value: gguf.u32(headLength) },
      { key: prefix('vocab_size'), value: gguf.u32(options.vocabulary.size) },
    );
  }
  for (const entry of options.vocabulary.metadata) {
    if (entry.key !== 'tokenizer.chat_template' || options.chatTemplate === undefined) metadata.push(entry);
  }
  if (options.chatTemplate !== undefined) {
    metadata.push({ key: 'tokenizer.chat_template', value: gguf.string(options.chatTemplate) });
  }
  metadata.push(...(options.extraMetadata ?? []));
  return metadata;
}

/** The tensors {@link writeLlamaModel} writes, in order. */
export function llamaTensors(options: LlamaModelOptions): TensorSpec[] {
  const { shape, weightType, seed } = options;
  const embedding = shape.embeddingLength;
  const keyValueLength = (embedding / shape.headCount) * shape.headCountKv;
  const random = (name: string, scale: number): TensorFill => ({
    kind: 'random',
    scale,
    seed: (Math.imul(seed >>> 0, 0x9e3779b1) ^ hashString(name)) >>> 0,
  });
  const ones: TensorFill = { kind: 'constant', value: 1 };
  const matrix = (name: string, columns: number, rows: number, scale = WEIGHT_SCALE): TensorSpec => ({
    name,
    shape: [columns, rows],
    type: weightType,
    fill: random(name, scale),
  });
  const vector = (name: string, length: number, fill: TensorFill): TensorSpec => ({
    name,
    shape: [length],
    type: 'f32',
    fill,
  });
  const tensors: TensorSpec[] = [
    matrix('token_embd.weight', embedding, options.vocabulary.size, EMBEDDING_SCALE),
  ];
  for (let block = 0; block < shape.blockCount; block++) {
    const name = (tensor: string) => `blk.${block}.${tensor}`;
    tensors.push(
      vector(name('attn_norm.weight'), embedding, ones),
      matrix(name('attn_q.weight'), embedding, embedding),
      matrix(name('attn_k.weight'), embedding, keyValueLength),
      matrix(name('attn_v.weight'), embedding, keyValueLength),
    );
    if (options.architecture === 'qwen2') {
      tensors.push(
        vector(name('attn_q.bias'), embedding, random(name('attn_q.bias'), WEIGHT_SCALE)),
        vector(name('attn_k.bias'), keyValueLength, random(name('attn_k.bias'), WEIGHT_SCALE)),
        vector(name('attn_v.bias'), keyValueLength, random(name('attn_v.bias'), WEIGHT_SCALE)),
      );
    }
    tensors.push(
      matrix(name('attn_output.weight'), embedding, embedding),
      vector(name('ffn_norm.weight'), embedding, ones),
      matrix(name('ffn_gate.weight'), embedding, shape.feedForwardLength),
      matrix(name('ffn_up.weight'), embedding, shape.feedForwardLength),
      matrix(name('ffn_down.weight'), shape.feedForwardLength, embedding),
    );
  }
  tensors.push(vector('output_norm.weight', embedding, ones));
  if (!shape.tiedEmbeddings) tensors.push(matrix('output.weight', embedding, options.vocabulary.size));
  return tensors;
}

function checkShape(shape: LlamaModelShape, weightType: TensorType): void {
  const problems: string[] = [];
  const positive = Object.entries(shape).filter(([key]) => key !== 'tiedEmbeddings');
  for (const [key, value] of positive) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
      problems.push(`${key} must be a positive integer`);
  }
  if (shape.embeddingLength % shape.headCount !== 0)
    problems.push('embeddingLength must be a multiple of headCount');
  if (shape.headCount % shape.headCountKv !== 0) problems.push('headCount must be a multiple of headCountKv');
  if (weightType === 'q8_0' && (shape.embeddingLength % 32 !== 0 || shape.feedForwardLength % 32 !== 0)) {
    problems.push('Q8_0 needs embeddingLength and feedForwardLength to be multiples of 32');
  }
  if (problems.length > 0) {
    throw new GgufError('gguf_bad_options', `Cannot write this model: ${problems.join('; ')}.`);
  }
}
