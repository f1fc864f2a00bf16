import { describe, expect, it } from 'vitest';
import { EmbeddingCache } from './embedding-cache';

describe('exact cosine over a cached scope', () => {
  it('ranks by cosine, best first, for lengths that are not a multiple of four, skipping other lengths', async () => {
    const rows = [
      { id: 5, vector: [0, 0, 0, 0, 1] },
      { id: 4, vector: [1, 1, 0, 0, 0] },
      { id: 3, vector: [2, 0, 0, 0, 0.1] },
      { id: 2, vector: [1, 0, 0] },
      { id: 1, vector: [0, 3, 0, 0, 0] },
    ];
    const scoped = await new EmbeddingCache(100).current('scope', { count: 5, maxId: 5 }, async () => rows);
    expect(scoped.nearest([1, 0, 0, 0, 0], 3)).toEqual([3, 4, 1]);
    expect(scoped.nearest([0, 0, 0, 0, 2], 1)).toEqual([5]);
  });
});
