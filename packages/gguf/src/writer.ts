import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { DEFAULT_ALIGNMENT, encodeHeader } from './encode-header';
import { GgufError } from './errors';
import { encodeTensor, type TensorSpec } from './tensor-data';
import { findValue, type GgufKeyValue } from './values';

/** Everything a GGUF file holds: metadata in order, then tensors in order. */
export interface GgufContents {
  readonly metadata: readonly GgufKeyValue[];
  readonly tensors: readonly TensorSpec[];
}

/** Options of {@link writeGguf}. */
export interface WriteGgufOptions {
  /** Stops writing; the partial file is removed and the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** fsync the file before it is renamed into place (for files that must survive a power cut). */
  readonly durable?: boolean;
}

const FLUSH_BYTES = 4 << 20;

/**
 * Writes a GGUF v3 file, streaming the tensor data (memory stays flat whatever the model's size).
 * The file appears atomically: it is written beside `path` under a temporary name and renamed, so a
 * reader never sees a partial file and two writers racing leave one complete file. Tensor data is
 * aligned to `general.alignment` (32 when absent). Resolves to the file's size in bytes.
 */
export async function writeGguf(
  path: string,
  contents: GgufContents,
  options: WriteGgufOptions = {},
): Promise<number> {
  const alignment = readAlignment(contents.metadata);
  const header = encodeHeader(contents.metadata, contents.tensors, alignment);
  const temporaryPath = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const file = await open(temporaryPath, 'w');
  try {
    const output = new BufferedOutput(file, options.signal);
    await output.write(header.bytes);
    let dataPosition = 0;
    for (const tensor of header.layout) {
      await output.zeros(tensor.offset - dataPosition);
      for (const chunk of encodeTensor(tensor.spec)) await output.write(chunk);
      dataPosition = tensor.offset + tensor.byteSize;
    }
    await output.flush();
    if (output.written !== header.fileSize) {
      throw new Error(`wrote ${output.written} bytes, expected ${header.fileSize}`);
    }
    if (options.durable) await file.sync();
    await file.close();
    await rename(temporaryPath, path);
    return header.fileSize;
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temporaryPath, { force: true });
    throw error;
  }
}

function readAlignment(metadata: readonly GgufKeyValue[]): number {
  const value = findValue(metadata, 'general.alignment');
  if (value === undefined) return DEFAULT_ALIGNMENT;
  if (value.type !== 'u32' || value.value <= 0 || value.value % 8 !== 0) {
    throw new GgufError('gguf_bad_options', 'general.alignment must be a u32 multiple of 8.');
  }
  return value.value;
}

/** Coalesces small writes into large ones and checks the abort signal between them. */
class BufferedOutput {
  readonly #file: FileHandle;
  readonly #signal: AbortSignal | undefined;
  readonly #buffer = new Uint8Array(FLUSH_BYTES);
  #used = 0;
  written = 0;

  constructor(file: FileHandle, signal: AbortSignal | undefined) {
    this.#file = file;
    this.#signal = signal;
  }

  async write(bytes: Uint8Array): Promise<void> {
    let consumed = 0;
    while (consumed < bytes.length) {
      const take = Math.min(bytes.length - consumed, FLUSH_BYTES - this.#used);
      this.#buffer.set(bytes.subarray(consumed, consumed + take), this.#used);
      this.#used += take;
      consumed += take;
      if (this.#used === FLUSH_BYTES) await this.flush();
    }
  }

  async zeros(count: number): Promise<void> {
    if (count > 0) await this.write(new Uint8Array(count));
  }

  async flush(): Promise<void> {
    this.#signal?.throwIfAborted();
    let offset = 0;
    while (offset < this.#used) {
      const { bytesWritten } = await this.#file.write(this.#buffer, offset, this.#used - offset);
      offset += bytesWritten;
    }
    this.written += this.#used;
    this.#used = 0;
  }
}
