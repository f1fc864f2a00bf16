import { open } from 'node:fs/promises';
import { alignUp, DEFAULT_ALIGNMENT, GGUF_MAGIC } from './encode-header';
import { GgufError } from './errors';
import { TENSOR_TYPE_CODES, type TensorType } from './tensor-types';
import type { GgufBigIntType, GgufItemType, GgufKeyValue, GgufNumberType, GgufValue } from './values';

/** One tensor as described in a file's header. */
export interface GgufTensorInfo {
  readonly name: string;
  readonly shape: readonly number[];
  /** ggml type id (0 = F32, 1 = F16, 8 = Q8_0, …). */
  readonly typeCode: number;
  /** The type's name when this package knows it. */
  readonly type: TensorType | undefined;
  /** Offset of the data relative to {@link GgufHeader.dataOffset}. */
  readonly offset: number;
}

/** What precedes the tensor data of a GGUF file. */
export interface GgufHeader {
  readonly version: number;
  readonly metadata: readonly GgufKeyValue[];
  readonly tensors: readonly GgufTensorInfo[];
  /** Absolute file offset where tensor data starts. */
  readonly dataOffset: number;
  readonly alignment: number;
}

/** Options of {@link readGgufHeader}. */
export interface ReadGgufOptions {
  readonly signal?: AbortSignal;
}

const FIRST_READ_BYTES = 1 << 20;
const decoder = new TextDecoder();
const TYPE_BY_CODE: readonly (GgufItemType | 'array')[] = [
  'u8',
  'i8',
  'u16',
  'i16',
  'u32',
  'i32',
  'f32',
  'bool',
  'string',
  'array',
  'u64',
  'i64',
  'f64',
];
const TENSOR_TYPE_BY_CODE = new Map(
  Object.entries(TENSOR_TYPE_CODES).map(([name, code]) => [code, name as TensorType]),
);

/**
 * Reads the header of a GGUF file (versions 2 and 3): typed metadata in file order and tensor infos.
 * Reads only as much of the file as the header needs.
 */
export async function readGgufHeader(path: string, options: ReadGgufOptions = {}): Promise<GgufHeader> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    let length = Math.min(size, FIRST_READ_BYTES);
    for (;;) {
      options.signal?.throwIfAborted();
      const bytes = new Uint8Array(length);
      const { bytesRead } = await file.read(bytes, 0, length, 0);
      try {
        return parseGgufHeader(bytes.subarray(0, bytesRead));
      } catch (error) {
        if (!(error instanceof Truncated)) throw error;
        if (length >= size)
          throw new GgufError('gguf_invalid', `${path} ends inside its GGUF header: the file is truncated.`);
        length = Math.min(size, length * 4);
      }
    }
  } finally {
    await file.close();
  }
}

/** Parses a GGUF header from the first bytes of a file; throws if `bytes` stops before the header ends. */
export function parseGgufHeader(bytes: Uint8Array): GgufHeader {
  const cursor = new Cursor(bytes);
  if (bytes.length >= 4 && cursor.view.getUint32(0, true) !== GGUF_MAGIC) {
    throw new GgufError('gguf_invalid', 'This is not a GGUF file (the magic bytes are wrong).');
  }
  cursor.u32();
  const version = cursor.u32();
  if (version !== 2 && version !== 3) {
    throw new GgufError('gguf_unsupported', `GGUF version ${version} is not supported (only 2 and 3).`);
  }
  const tensorCount = cursor.count();
  const metadataCount = cursor.count();
  const metadata: GgufKeyValue[] = [];
  for (let index = 0; index < metadataCount; index++) {
    const key = cursor.string();
    metadata.push({ key, value: readValue(cursor, key) });
  }
  const tensors: GgufTensorInfo[] = [];
  for (let index = 0; index < tensorCount; index++) {
    const name = cursor.string();
    const dimensions = cursor.u32();
    const shape: number[] = [];
    for (let dimension = 0; dimension < dimensions; dimension++) shape.push(cursor.count());
    const typeCode = cursor.u32();
    tensors.push({ name, shape, typeCode, type: TENSOR_TYPE_BY_CODE.get(typeCode), offset: cursor.count() });
  }
  const alignmentEntry = metadata.find((entry) => entry.key === 'general.alignment')?.value;
  const alignment = alignmentEntry?.type === 'u32' ? alignmentEntry.value : DEFAULT_ALIGNMENT;
  return { version, metadata, tensors, dataOffset: alignUp(cursor.offset, alignment), alignment };
}

function readValue(cursor: Cursor, key: string): GgufValue {
  const type = cursor.valueType(key);
  if (type !== 'array') return readScalar(cursor, type);
  const itemType = cursor.valueType(key);
  const length = cursor.count();
  if (itemType === 'array') {
    throw new GgufError(
      'gguf_unsupported',
      `Metadata key ${key} holds arrays of arrays, which are not supported.`,
    );
  }
  if (itemType === 'string') {
    const values: string[] = [];
    for (let index = 0; index < length; index++) values.push(cursor.string());
    return { type: 'array', itemType, values };
  }
  if (itemType === 'bool') {
    const values: boolean[] = [];
    for (let index = 0; index < length; index++) values.push(cursor.u8() !== 0);
    return { type: 'array', itemType, values };
  }
  if (itemType === 'u64' || itemType === 'i64') {
    const values: bigint[] = [];
    for (let index = 0; index < length; index++) values.push(cursor.bigint(itemType));
    return { type: 'array', itemType, values };
  }
  const values: number[] = [];
  for (let index = 0; index < length; index++) values.push(cursor.number(itemType));
  return { type: 'array', itemType, values };
}

function readScalar(cursor: Cursor, type: GgufItemType): GgufValue {
  switch (type) {
    case 'string':
      return { type, value: cursor.string() };
    case 'bool':
      return { type, value: cursor.u8() !== 0 };
    case 'u64':
    case 'i64':
      return { type, value: cursor.bigint(type) };
    default:
      return { type, value: cursor.number(type) };
  }
}

/** Thrown when the bytes end before the header does; the caller reads more and tries again. */
class Truncated extends Error {}

class Cursor {
  readonly view: DataView;
  readonly #bytes: Uint8Array;
  offset = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #take(count: number): number {
    const start = this.offset;
    if (start + count > this.#bytes.length) throw new Truncated();
    this.offset = start + count;
    return start;
  }

  u8(): number {
    return this.view.getUint8(this.#take(1));
  }

  u32(): number {
    return this.view.getUint32(this.#take(4), true);
  }

  /** A u64 used as a count, size or offset: must fit a JavaScript number. */
  count(): number {
    const value = this.view.getBigUint64(this.#take(8), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new GgufError('gguf_invalid', 'The GGUF header holds an impossible length: the file is damaged.');
    }
    return Number(value);
  }

  bigint(type: GgufBigIntType): bigint {
    const at = this.#take(8);
    return type === 'u64' ? this.view.getBigUint64(at, true) : this.view.getBigInt64(at, true);
  }

  number(type: GgufNumberType): number {
    switch (type) {
      case 'u8':
        return this.view.getUint8(this.#take(1));
      case 'i8':
        return this.view.getInt8(this.#take(1));
      case 'u16':
        return this.view.getUint16(this.#take(2), true);
      case 'i16':
        return this.view.getInt16(this.#take(2), true);
      case 'u32':
        return this.view.getUint32(this.#take(4), true);
      case 'i32':
        return this.view.getInt32(this.#take(4), true);
      case 'f32':
        return this.view.getFloat32(this.#take(4), true);
      case 'f64':
        return this.view.getFloat64(this.#take(8), true);
    }
  }

  string(): string {
    const length = this.count();
    const start = this.#take(length);
    return decoder.decode(this.#bytes.subarray(start, start + length));
  }

  valueType(key: string): GgufItemType | 'array' {
    const code = this.u32();
    const type = TYPE_BY_CODE[code];
    if (type === undefined) {
      throw new GgufError(
        'gguf_invalid',
        `Metadata key ${key} has an unknown value type ${code}: the file is damaged.`,
      );
    }
    return type;
  }
}
