import { createHash } from 'node:crypto';

/** Dimensions of the fake `/embeddings` vectors unless the request asks for others. */
export const FAKE_EMBEDDING_DIMENSIONS = 64;

/**
 * A deterministic embedding with meaning enough for tests: every word (lower case, letters and digits)
 * adds a fixed pseudo-random direction, so texts that share words are similar and others are not.
 * Unit length.
 */
export function wordHashEmbedding(text: string, dimensions = FAKE_EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const digest = createHash('sha256').update(word).digest();
    for (let index = 0; index < dimensions; index += 1) {
      const byte = digest[index % digest.length] ?? 0;
      const salt = digest[(index * 7 + 3) % digest.length] ?? 0;
      vector[index] = (vector[index] ?? 0) + ((byte ^ (salt + index)) % 255) / 127 - 1;
    }
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? vector : vector.map((value) => value / norm);
}
