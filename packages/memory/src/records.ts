import type { ConversationRef } from '@switchboard/core';

/** A task's life: `running` until it ends `succeeded`, `failed` or `cancelled` — never stuck between. */
export type TaskStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** One conversation, keyed by `conversationKey(ref)`. */
export interface ConversationRecord extends ConversationRef {
  readonly key: string;
  /** The model pinned with `/model`, if any. */
  readonly pinnedModel: string | undefined;
  /** Set with `/local on`: the conversation must never be sent to a cloud model. */
  readonly localOnly: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** One request and everything known about how it was handled. */
export interface TaskRecord {
  readonly id: string;
  /** The inbound event id; unique, so a redelivered event never makes a second task. */
  readonly eventId: string;
  readonly conversationKey: string;
  /** `platform:userId` of the author. */
  readonly authorId: string;
  readonly command: string;
  readonly status: TaskStatus;
  readonly model: string | undefined;
  readonly routeReason: string | undefined;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly timeToFirstTokenMs: number | undefined;
  readonly durationMs: number | undefined;
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
  /** How many times a worker started it (more than 1 after a worker died mid-task). */
  readonly attempts: number;
  readonly createdAt: Date;
  readonly finishedAt: Date | undefined;
}

/** What a new task starts with. */
export interface NewTask {
  readonly id: string;
  readonly eventId: string;
  readonly conversationKey: string;
  readonly authorId: string;
  readonly command: string;
  /** When the request arrived; the database's clock when left out (imports and tests set it). */
  readonly createdAt?: Date;
}

/** Fields a task gains while it runs and when it ends. */
export type TaskPatch = Partial<
  Pick<
    TaskRecord,
    | 'status'
    | 'model'
    | 'routeReason'
    | 'inputTokens'
    | 'outputTokens'
    | 'costUsd'
    | 'timeToFirstTokenMs'
    | 'durationMs'
    | 'errorCode'
    | 'errorMessage'
    | 'attempts'
    | 'finishedAt'
  >
>;

/** An append-only record of one step of a task (route decision, fallback, tool call, retry…). */
export interface TaskEventRecord {
  readonly id: number;
  readonly taskId: string;
  readonly type: string;
  readonly data: unknown;
  readonly at: Date;
}

/** One remembered turn. */
export interface MessageRecord {
  readonly id: number;
  readonly conversationKey: string;
  readonly role: 'user' | 'assistant';
  readonly content: string;
  readonly taskId: string | undefined;
  readonly authorId: string | undefined;
  readonly createdAt: Date;
}

/** A turn to remember. */
export type NewMessage = Omit<MessageRecord, 'id' | 'createdAt'>;

/** Tokens and cost of one model over a period, from {@link Store.usageSummary}. */
export interface UsageRow {
  /** The model ref, `provider:model`. */
  readonly model: string;
  readonly tasks: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** US dollars, as recorded on the tasks when they ended. */
  readonly costUsd: number;
}

/** Which tasks {@link Store.usageSummary} adds up. */
export interface UsageQuery {
  /** Tasks created at or after this moment. */
  readonly since: Date;
  /** Tasks created before this moment; no end when left out. */
  readonly until?: Date;
  /** Only this author's tasks (`platform:userId`); everyone's when left out. */
  readonly authorId?: string;
}

/** The result of {@link Store.beginTask}. */
export type BeginTaskResult =
  | { readonly status: 'created'; readonly task: TaskRecord }
  | { readonly status: 'duplicate'; readonly task: TaskRecord };
