/** Where a long-term memory came from. */
export type MemorySource = 'remember' | 'tool' | 'extracted';

/** One long-term memory of a person. */
export interface MemoryRecord {
  readonly id: number;
  readonly personId: string;
  /** Set for a team memory: the channel (`platform:account:channel`) it is recalled in. */
  readonly channelKey: string | undefined;
  /** The conversation it was kept in. */
  readonly conversationKey: string | undefined;
  readonly content: string;
  readonly source: MemorySource;
  readonly createdAt: Date;
}

/** An embedding and the model that made it (vectors of different models are never compared). */
export interface StoredEmbedding {
  readonly model: string;
  readonly vector: readonly number[];
}

/** A memory to keep. */
export interface NewMemory {
  readonly personId: string;
  readonly content: string;
  readonly source: MemorySource;
  readonly channelKey?: string | undefined;
  readonly conversationKey?: string | undefined;
  readonly embedding?: StoredEmbedding | undefined;
}

/** What to recall: whose memories, for which question. */
export interface RecallQuery {
  /** The asking person's own memories (left out in a shared channel without team memory). */
  readonly personId?: string | undefined;
  /** The channel whose team memories count too (only when team memory is on there). */
  readonly channelKey?: string | undefined;
  readonly text: string;
  /** The question's embedding, when an embedder is configured. */
  readonly embedding?: StoredEmbedding | undefined;
  /** How many memories to return (top-k). */
  readonly limit: number;
}

/** A recalled memory, best first, with how it was found. */
export interface RecalledMemory extends MemoryRecord {
  /** Reciprocal-rank fusion of the full-text and the vector ranks; higher is better. */
  readonly score: number;
  readonly matchedBy: readonly ('text' | 'vector')[];
}

/** One turn found by `/history <words>`, with its task's model and cost. */
export interface HistoryHit {
  readonly messageId: number;
  readonly conversationKey: string;
  readonly role: 'user' | 'assistant';
  readonly content: string;
  readonly createdAt: Date;
  readonly taskId: string | undefined;
  readonly model: string | undefined;
  readonly costUsd: number | undefined;
}

/** A conversation's rolling summary of its older turns. */
export interface ConversationSummary {
  readonly conversationKey: string;
  readonly content: string;
  /** The newest turn (message id) it covers: the window starts after it. */
  readonly throughMessageId: number;
  readonly taskId: string | undefined;
  readonly updatedAt: Date;
}

/** Every row `/forget all` removes, table by table (`/export`). */
export interface PersonExport {
  readonly personId: string;
  readonly exportedAt: string;
  readonly tables: Readonly<Record<string, readonly Record<string, unknown>[]>>;
}

/** What linking an identity to a person did. */
export type LinkResult =
  | { readonly status: 'linked'; readonly personId: string; readonly mergedPersonId: string | undefined }
  | { readonly status: 'already-linked'; readonly personId: string }
  | { readonly status: 'invalid-code' };
