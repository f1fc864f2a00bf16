import { createCipheriv, createHash } from 'node:crypto';

/**
 * A seeded stream of pseudo-random bytes: AES-128 in counter mode over zeros, keyed by the seed. The
 * same seed gives the same bytes on every machine, at memory speed (hardware AES), which is what lets
 * a 500 MB model be generated in about a second.
 */
export class RandomBytes {
  readonly #cipher;
  #zeros = new Uint8Array(0);

  constructor(seed: number) {
    const key = createHash('sha256')
      .update(`switchboard-gguf:${seed >>> 0}`)
      .digest()
      .subarray(0, 16);
    this.#cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  }

  /** Fills `target` with the next random bytes. */
  fill(target: Uint8Array): void {
    if (this.#zeros.length < target.length) this.#zeros = new Uint8Array(target.length);
    target.set(this.#cipher.update(this.#zeros.subarray(0, target.length)));
  }
}

/** A 32-bit FNV-1a hash of a string, to derive independent seeds from names. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
