/**
 * Turns texts into vectors for memory recall (`EMBEDDING_MODEL`). Implemented by the OpenAI provider
 * (`/embeddings` of any compatible server) and the llama provider (node-llama-cpp's embedding context).
 */
export interface Embedder {
  /** `provider:model`: vectors of different models are never compared. */
  readonly ref: string;
  /** `local` embedders never send text off the machine. */
  readonly locality: 'local' | 'cloud';
  /**
   * One vector per text, in order, all of the same length. Rejects with a `SwitchboardError` (code
   * `embedding_failed`) when the backend fails or `signal` aborts.
   */
  embed(texts: readonly string[], signal: AbortSignal): Promise<number[][]>;
  close?(): Promise<void>;
}
