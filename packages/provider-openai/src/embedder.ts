import { type Embedder, SwitchboardError, safeUrl } from '@switchboard/core';
import OpenAI from 'openai';

/** Settings of {@link createOpenAIEmbedder}. */
export interface OpenAIEmbedderOptions {
  /** The embedding model the server knows, such as `text-embedding-3-small`. */
  readonly model: string;
  readonly apiKey?: string | undefined;
  /** Any OpenAI-compatible server; default OpenAI's own API. */
  readonly baseURL?: string | undefined;
  /** The provider part of the ref; default `openai`. */
  readonly name?: string;
  readonly locality: 'local' | 'cloud';
  /** Give up after this long; default 30 s. */
  readonly timeoutMs?: number;
}

/** The most texts one `/embeddings` request carries. */
const BATCH = 64;

/** An {@link Embedder} over an OpenAI-compatible `/embeddings` endpoint, through the official SDK. */
export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const baseURL = options.baseURL ?? 'https://api.openai.com/v1';
  const client = new OpenAI({
    apiKey: options.apiKey ?? 'not-needed',
    baseURL,
    maxRetries: 1,
    timeout: options.timeoutMs ?? 30_000,
    logLevel: 'off',
  });
  const ref = `${options.name ?? 'openai'}:${options.model}`;
  return {
    ref,
    locality: options.locality,
    async embed(texts, signal) {
      const vectors: number[][] = [];
      for (let start = 0; start < texts.length; start += BATCH) {
        const input = texts.slice(start, start + BATCH);
        try {
          const page = await client.embeddings.create(
            { model: options.model, input: [...input], encoding_format: 'float' },
            { signal },
          );
          const ordered = [...page.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
          if (ordered.length !== input.length)
            throw new Error(`${ordered.length} vectors for ${input.length} texts`);
          vectors.push(...ordered);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new SwitchboardError(
            'embedding_failed',
            `The embedding model ${ref} at ${safeUrl(baseURL)} failed: ${reason}. Check EMBEDDING_MODEL and the provider's key and URL.`,
            { cause: error },
          );
        }
      }
      return vectors;
    },
  };
}
