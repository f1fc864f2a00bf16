const encoder = new TextEncoder();

/** An append-only little-endian byte buffer that grows as needed. */
export class ByteWriter {
  #bytes = new Uint8Array(4096);
  #view = new DataView(this.#bytes.buffer);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }

  u8(value: number): void {
    this.#reserve(1).setUint8(this.#length - 1, value);
  }
  i8(value: number): void {
    this.#reserve(1).setInt8(this.#length - 1, value);
  }
  u16(value: number): void {
    this.#reserve(2).setUint16(this.#length - 2, value, true);
  }
  i16(value: number): void {
    this.#reserve(2).setInt16(this.#length - 2, value, true);
  }
  u32(value: number): void {
    this.#reserve(4).setUint32(this.#length - 4, value, true);
  }
  i32(value: number): void {
    this.#reserve(4).setInt32(this.#length - 4, value, true);
  }
  f32(value: number): void {
    this.#reserve(4).setFloat32(this.#length - 4, value, true);
  }
  f64(value: number): void {
    this.#reserve(8).setFloat64(this.#length - 8, value, true);
  }
  u64(value: bigint): void {
    this.#reserve(8).setBigUint64(this.#length - 8, value, true);
  }
  i64(value: bigint): void {
    this.#reserve(8).setBigInt64(this.#length - 8, value, true);
  }

  /** A GGUF string: u64 byte length, then UTF-8 bytes (no terminator). */
  string(value: string): void {
    const utf8 = encoder.encode(value);
    this.u64(BigInt(utf8.length));
    this.raw(utf8);
  }

  raw(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#bytes.set(bytes, this.#length - bytes.length);
  }

  /** Appends zero bytes up to the next multiple of `alignment`. */
  pad(alignment: number): void {
    const padding = (alignment - (this.#length % alignment)) % alignment;
    this.#reserve(padding);
  }

  #reserve(count: number): DataView {
    const needed = this.#length + count;
    if (needed > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.#bytes.length * 2));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.#length = needed;
    return this.#view;
  }
}
