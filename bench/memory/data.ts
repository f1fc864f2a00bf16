import { wordHashEmbedding } from '../../packages/testkit/src/fake-openai/embedding';

/** Dimensions of the benchmark's embeddings (a small local embedding model's range is 384–768). */
export const DIMENSIONS = Number(process.env['BENCH_MEMORY_DIMENSIONS'] ?? 128);

/** A deterministic pseudo-random generator (mulberry32). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'su', 'tor', 'va', 'ne', 'pil', 'dro', 'ay', 'qui', 'fen', 'bo'];

/** 4,000 made-up words: a vocabulary large enough that full-text matches stay selective. */
export const WORDS: readonly string[] = (() => {
  const next = random(7);
  const words = new Set<string>();
  while (words.size < 4000) {
    const length = 2 + Math.floor(next() * 3);
    words.add(Array.from({ length }, () => SYLLABLES[Math.floor(next() * SYLLABLES.length)]).join(''));
  }
  return [...words];
})();

/** A memory-like sentence of 6–12 words. */
export function sentence(next: () => number): string {
  const length = 6 + Math.floor(next() * 7);
  return Array.from({ length }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
}

/** The benchmark's embedding of a text. */
export const embed = (text: string) => ({
  model: 'bench-embed',
  vector: wordHashEmbedding(text, DIMENSIONS),
});

/** The p-th percentile (0–100) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
