import { GgufError } from './errors';

/** Tensor element encodings this package writes. */
export type TensorType = 'f32' | 'f16' | 'q8_0';

/** ggml's numeric id of each tensor type (`ggml_type`). */
export const TENSOR_TYPE_CODES: Readonly<Record<TensorType, number>> = { f32: 0, f16: 1, q8_0: 8 };

/** Elements per Q8_0 block; each block is an f16 scale followed by 32 signed bytes. */
export const Q8_0_BLOCK_ELEMENTS = 32;
/** Bytes per Q8_0 block: 2 (f16 scale) + 32 (int8 values). */
export const Q8_0_BLOCK_BYTES = 34;

/** Number of elements of a tensor of this shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

/**
 * Bytes the data of a tensor takes in the file (without alignment padding). `shape` is in GGUF order,
 * innermost dimension first; Q8_0 needs that dimension to be a multiple of 32.
 */
export function tensorByteSize(type: TensorType, shape: readonly number[]): number {
  const elements = elementCount(shape);
  switch (type) {
    case 'f32':
      return elements * 4;
    case 'f16':
      return elements * 2;
    case 'q8_0': {
      const rowLength = shape[0] ?? 0;
      if (rowLength % Q8_0_BLOCK_ELEMENTS !== 0) {
        throw new GgufError(
          'gguf_bad_options',
          `A Q8_0 tensor's first dimension must be a multiple of 32, got ${rowLength}.`,
        );
      }
      return (elements / Q8_0_BLOCK_ELEMENTS) * Q8_0_BLOCK_BYTES;
    }
  }
}
