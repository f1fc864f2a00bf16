import { ByteWriter } from './byte-writer';
import { GgufError } from './errors';
import type { TensorSpec } from './tensor-data';
import { TENSOR_TYPE_CODES, tensorByteSize } from './tensor-types';
import { type GgufKeyValue, type GgufValue, VALUE_TYPE_CODES } from './values';

/** The GGUF magic, "GGUF" read as a little-endian u32. */
export const GGUF_MAGIC = 0x46554747;
/** The format version this package writes. */
export const GGUF_VERSION = 3;
/** Alignment used when `general.alignment` is absent. */
export const DEFAULT_ALIGNMENT = 32;

/** Where each tensor's data lies relative to the start of the data section. */
export interface TensorLayout {
  readonly spec: TensorSpec;
  readonly offset: number;
  readonly byteSize: number;
}

/** The encoded header (magic … tensor infos, padded to the alignment) and the data layout after it. */
export interface EncodedHeader {
  readonly bytes: Uint8Array;
  readonly layout: readonly TensorLayout[];
  /** Header plus data plus padding: the size of the whole file. */
  readonly fileSize: number;
}

/** Encodes everything that precedes the tensor data. */
export function encodeHeader(
  metadata: readonly GgufKeyValue[],
  tensors: readonly TensorSpec[],
  alignment: number,
): EncodedHeader {
  const writer = new ByteWriter();
  writer.u32(GGUF_MAGIC);
  writer.u32(GGUF_VERSION);
  writer.u64(BigInt(tensors.length));
  writer.u64(BigInt(metadata.length));
  for (const entry of metadata) {
    writer.string(entry.key);
    writeValue(writer, entry.value, entry.key);
  }
  const layout: TensorLayout[] = [];
  let offset = 0;
  for (const spec of tensors) {
    const byteSize = tensorByteSize(spec.type, spec.shape);
    writer.string(spec.name);
    writer.u32(spec.shape.length);
    for (const dimension of spec.shape) writer.u64(BigInt(dimension));
    writer.u32(TENSOR_TYPE_CODES[spec.type]);
    writer.u64(BigInt(offset));
    layout.push({ spec, offset, byteSize });
    offset = alignUp(offset + byteSize, alignment);
  }
  writer.pad(alignment);
  const last = layout.at(-1);
  const dataSize = last ? last.offset + last.byteSize : 0;
  return { bytes: writer.bytes(), layout, fileSize: writer.length + dataSize };
}

/** `value` rounded up to a multiple of `alignment`. */
export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

function writeValue(writer: ByteWriter, value: GgufValue, key: string): void {
  writer.u32(VALUE_TYPE_CODES[value.type]);
  if (value.type !== 'array') {
    writeScalar(writer, value, key);
    return;
  }
  writer.u32(VALUE_TYPE_CODES[value.itemType]);
  writer.u64(BigInt(value.values.length));
  for (const item of value.values)
    writeScalar(writer, { type: value.itemType, value: item } as GgufValue, key);
}

function writeScalar(writer: ByteWriter, value: GgufValue, key: string): void {
  switch (value.type) {
    case 'u8':
      writer.u8(checkInteger(value.value, 0, 0xff, key));
      break;
    case 'i8':
      writer.i8(checkInteger(value.value, -0x80, 0x7f, key));
      break;
    case 'u16':
      writer.u16(checkInteger(value.value, 0, 0xffff, key));
      break;
    case 'i16':
      writer.i16(checkInteger(value.value, -0x8000, 0x7fff, key));
      break;
    case 'u32':
      writer.u32(checkInteger(value.value, 0, 0xffffffff, key));
      break;
    case 'i32':
      writer.i32(checkInteger(value.value, -0x80000000, 0x7fffffff, key));
      break;
    case 'f32':
      writer.f32(value.value);
      break;
    case 'f64':
      writer.f64(value.value);
      break;
    case 'u64':
      writer.u64(value.value);
      break;
    case 'i64':
      writer.i64(value.value);
      break;
    case 'bool':
      writer.u8(value.value ? 1 : 0);
      break;
    case 'string':
      writer.string(value.value);
      break;
    case 'array':
      throw new GgufError('gguf_unsupported', `Metadata key ${key}: arrays of arrays are not supported.`);
  }
}

function checkInteger(value: number, min: number, max: number, key: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new GgufError('gguf_bad_options', `Metadata key ${key}: ${value} does not fit its integer type.`);
  }
  return value;
}
