import { type FakeOpenAI, startFakeOpenAI, wordHashEmbedding } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIEmbedder } from './embedder';

describe('the OpenAI-compatible embedder against the fake /embeddings', () => {
  let server: FakeOpenAI;
  beforeAll(async () => {
    server = await startFakeOpenAI({ apiKey: 'sk-test-embeddings' });
  });
  afterAll(() => server.close());

  it('returns one deterministic vector per text, in order, through the real SDK', async () => {
    const embedder = createOpenAIEmbedder({
      model: 'text-embedding-3-small',
      apiKey: 'sk-test-embeddings',
      baseURL: server.url,
      locality: 'cloud',
    });
    expect(embedder.ref).toBe('openai:text-embedding-3-small');
    const texts = ['my cat is called Miso', 'the cat Miso', 'quarterly tax return'];
    const vectors = await embedder.embed(texts, new AbortController().signal);
    expect(vectors).toHaveLength(3);
    expect(vectors[0]?.[0]).toBeCloseTo(wordHashEmbedding(texts[0] ?? '')[0] ?? Number.NaN, 5);
    const dot = (a: number[] = [], b: number[] = []) =>
      a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
    expect(dot(vectors[0], vectors[1])).toBeGreaterThan(dot(vectors[0], vectors[2]));
  });

  it('fails with embedding_failed and a hint when the key is wrong, never echoing the key', async () => {
    const embedder = createOpenAIEmbedder({
      model: 'text-embedding-3-small',
      apiKey: 'sk-wrong-key-123456',
      baseURL: server.url,
      locality: 'cloud',
    });
    const error = await embedder
      .embed(['x'], new AbortController().signal)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'embedding_failed' });
    expect(String((error as Error).message)).toContain('EMBEDDING_MODEL');
    expect(String((error as Error).message)).not.toContain('sk-wrong-key-123456');
  });
});
