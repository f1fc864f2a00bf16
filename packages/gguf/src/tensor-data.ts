import { toHalfBits } from './half';
import { RandomBytes } from './random';
import { elementCount, Q8_0_BLOCK_BYTES, Q8_0_BLOCK_ELEMENTS, type TensorType } from './tensor-types';

/**
 * How a tensor's values are produced. `random`: uniform in [-scale, scale] from a seeded generator
 * (Q8_0 is generated directly in quantized form: a fixed scale per block and random int8 values);
 * `constant`: every element the same (norm weights are ones).
 */
export type TensorFill =
  | { readonly kind: 'random'; readonly scale: number; readonly seed: number }
  | { readonly kind: 'constant'; readonly value: number };

/** One tensor to write: `shape` is in GGUF order (innermost, contiguous dimension first). */
export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly type: TensorType;
  readonly fill: TensorFill;
}

const CHUNK_ELEMENTS = 1 << 18;

/**
 * The encoded bytes of a tensor, in chunks of at most about 1 MiB. Each chunk is a view of a reused
 * buffer: consume (copy or write) it before asking for the next one.
 */
export function* encodeTensor(spec: TensorSpec): Generator<Uint8Array> {
  const elements = elementCount(spec.shape);
  switch (spec.type) {
    case 'f32':
      yield* encodeFloats(elements, spec.fill, 4, (value) => value);
      return;
    case 'f16':
      yield* encodeFloats(elements, spec.fill, 2, toHalfBits);
      return;
    case 'q8_0':
      yield* encodeQ8_0(elements, spec.fill);
      return;
  }
}

function* encodeFloats(elements: number, fill: TensorFill, width: 2 | 4, encode: (value: number) => number) {
  const length = Math.min(elements, CHUNK_ELEMENTS);
  const values = width === 4 ? new Float32Array(length) : new Uint16Array(length);
  const bytes = new Uint8Array(values.buffer);
  const random = fill.kind === 'random' ? new RandomBytes(fill.seed) : undefined;
  const words = new Uint32Array(length);
  const wordBytes = new Uint8Array(words.buffer);
  for (let done = 0; done < elements; done += length) {
    const count = Math.min(length, elements - done);
    if (fill.kind === 'constant') values.fill(encode(fill.value));
    else if (random) {
      random.fill(wordBytes.subarray(0, count * 4));
      for (let index = 0; index < count; index++) {
        values[index] = encode(((words[index] ?? 0) / 2 ** 31 - 1) * fill.scale);
      }
    }
    yield bytes.subarray(0, count * width);
  }
}

function* encodeQ8_0(elements: number, fill: TensorFill) {
  const totalBlocks = elements / Q8_0_BLOCK_ELEMENTS;
  const chunkBlocks = Math.min(totalBlocks, CHUNK_ELEMENTS / Q8_0_BLOCK_ELEMENTS);
  const bytes = new Uint8Array(chunkBlocks * Q8_0_BLOCK_BYTES);
  const random = fill.kind === 'random' ? new RandomBytes(fill.seed) : undefined;
  const scale = toHalfBits((fill.kind === 'constant' ? fill.value : fill.scale) / 127);
  if (fill.kind === 'constant') bytes.fill(fill.value === 0 ? 0 : 127);
  for (let done = 0; done < totalBlocks; done += chunkBlocks) {
    const count = Math.min(chunkBlocks, totalBlocks - done);
    const chunk = bytes.subarray(0, count * Q8_0_BLOCK_BYTES);
    random?.fill(chunk);
    for (let offset = 0; offset < chunk.length; offset += Q8_0_BLOCK_BYTES) {
      chunk[offset] = scale & 0xff;
      chunk[offset + 1] = scale >>> 8;
    }
    yield chunk;
  }
}
