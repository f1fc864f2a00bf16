import { z } from 'zod';
import type { ModelRef } from '../model';
import { integer, modelRef } from './fields';
import type { ConfigSection } from './section';

/** Long-term memory, recall and retention (ADR 0037, ADR 0038). */
export interface MemorySettings {
  /**
   * `EMBEDDING_MODEL`: who embeds memories and questions for vector recall, `openai:<model>` (any
   * OpenAI-compatible `/embeddings`) or `llama:<file.gguf>` (node-llama-cpp). Unset: full-text recall only.
   */
  readonly embeddingModel: ModelRef | undefined;
  /** `MEMORY_RETENTION_DAYS`: turns older than this are deleted; 0 keeps them forever. */
  readonly retentionDays: number;
  /** `MEMORY_EXTRACT`: after a conversation goes quiet, the agent keeps the facts it finds. */
  readonly extract: boolean;
  /** `MEMORY_EXTRACT_IDLE_MINUTES`: how long a conversation stays quiet before facts are extracted from it. */
  readonly extractIdleMs: number;
  /** `MEMORY_RECALL_LIMIT`: how many memories recall puts into the prompt (0 turns recall off). */
  readonly recallLimit: number;
}

/** Long-term memory settings. */
export const memorySection: ConfigSection<MemorySettings> = {
  variables: {
    EMBEDDING_MODEL: modelRef.optional(),
    MEMORY_RETENTION_DAYS: integer(0, 36_500).default(0),
    MEMORY_EXTRACT: z.enum(['on', 'off'], { message: 'expected on or off' }).default('off'),
    MEMORY_EXTRACT_IDLE_MINUTES: integer(1, 10_080).default(10),
    MEMORY_RECALL_LIMIT: integer(0, 50).default(5),
  },
  build: (v) => ({
    embeddingModel: v['EMBEDDING_MODEL'] as ModelRef | undefined,
    retentionDays: v['MEMORY_RETENTION_DAYS'] as number,
    extract: v['MEMORY_EXTRACT'] === 'on',
    extractIdleMs: (v['MEMORY_EXTRACT_IDLE_MINUTES'] as number) * 60_000,
    recallLimit: v['MEMORY_RECALL_LIMIT'] as number,
  }),
};

/** The settings when nothing is configured. */
export const DEFAULT_MEMORY_SETTINGS: MemorySettings = {
  embeddingModel: undefined,
  retentionDays: 0,
  extract: false,
  extractIdleMs: 10 * 60_000,
  recallLimit: 5,
};
