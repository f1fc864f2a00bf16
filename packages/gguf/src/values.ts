/** GGUF metadata value types that hold a JavaScript `number`. */
export type GgufNumberType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64';
/** GGUF metadata value types that hold a 64-bit integer (`bigint`). */
export type GgufBigIntType = 'u64' | 'i64';
/** Every type an array's items may have (nested arrays are not supported). */
export type GgufItemType = GgufNumberType | GgufBigIntType | 'bool' | 'string';

/** One typed metadata value, exactly as stored in the file (the type survives a read/write round trip). */
export type GgufValue =
  | { readonly type: GgufNumberType; readonly value: number }
  | { readonly type: GgufBigIntType; readonly value: bigint }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }
  | GgufArray;

/** A typed array value. */
export type GgufArray =
  | { readonly type: 'array'; readonly itemType: GgufNumberType; readonly values: readonly number[] }
  | { readonly type: 'array'; readonly itemType: GgufBigIntType; readonly values: readonly bigint[] }
  | { readonly type: 'array'; readonly itemType: 'bool'; readonly values: readonly boolean[] }
  | { readonly type: 'array'; readonly itemType: 'string'; readonly values: readonly string[] };

/** One metadata entry. Keys are written in the order given. */
export interface GgufKeyValue {
  readonly key: string;
  readonly value: GgufValue;
}

/** Small constructors for typed values: `gguf.u32(32)`, `gguf.strings(['a', 'b'])`. */
export const gguf = {
  u8: (value: number): GgufValue => ({ type: 'u8', value }),
  i8: (value: number): GgufValue => ({ type: 'i8', value }),
  u16: (value: number): GgufValue => ({ type: 'u16', value }),
  i16: (value: number): GgufValue => ({ type: 'i16', value }),
  u32: (value: number): GgufValue => ({ type: 'u32', value }),
  i32: (value: number): GgufValue => ({ type: 'i32', value }),
  f32: (value: number): GgufValue => ({ type: 'f32', value }),
  f64: (value: number): GgufValue => ({ type: 'f64', value }),
  u64: (value: bigint): GgufValue => ({ type: 'u64', value }),
  i64: (value: bigint): GgufValue => ({ type: 'i64', value }),
  bool: (value: boolean): GgufValue => ({ type: 'bool', value }),
  string: (value: string): GgufValue => ({ type: 'string', value }),
  numbers: (itemType: GgufNumberType, values: readonly number[]): GgufValue => ({
    type: 'array',
    itemType,
    values,
  }),
  bigints: (itemType: GgufBigIntType, values: readonly bigint[]): GgufValue => ({
    type: 'array',
    itemType,
    values,
  }),
  bools: (values: readonly boolean[]): GgufValue => ({ type: 'array', itemType: 'bool', values }),
  strings: (values: readonly string[]): GgufValue => ({ type: 'array', itemType: 'string', values }),
} as const;

/** The numeric type codes of the GGUF format (`gguf_type`). */
export const VALUE_TYPE_CODES: Readonly<Record<GgufItemType | 'array', number>> = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
};

/** Finds the value of `key`, or undefined. */
export function findValue(metadata: readonly GgufKeyValue[], key: string): GgufValue | undefined {
  return metadata.find((entry) => entry.key === key)?.value;
}
