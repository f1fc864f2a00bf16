import type { SinkResult } from './adapter';
import type { InboundEvent } from './inbound';
import type { ReplyPart } from './reply';

/** Stops a subscription. */
export type Unsubscribe = () => void;

/** One delivery of an event to a worker. */
export interface Job {
  /** 1 on the first delivery, more on redeliveries after a worker failed. */
  readonly attempt: number;
  /** Aborted when the bus shuts down or gives the job to another worker. */
  readonly signal: AbortSignal;
}

/** Messages that must reach a running task at once, not wait in the conversation's queue. */
export type ControlMessage =
  | { readonly type: 'cancel'; readonly taskId: string; readonly by: string }
  | {
      /**
       * The client that sent request `eventId` went away (a closed web connection): stop its task
       * where it runs, or cancel it as it starts if it has not begun. Only a task of the conversation
       * `conversationKey` is stopped.
       */
      readonly type: 'abandon';
      readonly eventId: string;
      readonly conversationKey: string;
      readonly by: string;
    }
  | {
      readonly type: 'approval-decided';
      readonly approvalId: string;
      readonly choice: string;
      readonly by: string;
    };

/** Options of {@link Bus.enqueue}. */
export interface EnqueueOptions {
  /**
   * The key a repeat is recognised by, instead of `event.id`. Recovery queues a request again under a
   * fresh key when the bus no longer holds its event (it was acknowledged when the task went on in the
   * background, ADR 0055), so that the queueing is not taken for a repeat of the first.
   */
  readonly dedupeKey?: string;
}

/** Options of {@link Bus.work}. */
export interface WorkOptions {
  /** How many events are handled at once (across conversations; one at a time within one). */
  readonly concurrency: number;
}

/** The result of {@link Bus.enqueue}: `accepted`, `duplicate` (already seen) or `busy` (queue full). */
export type EnqueueResult = Exclude<SinkResult, { status: 'ignored' }>;

/**
 * The work queue between adapters and agent workers, plus the ordered stream of reply parts back.
 *
 * Guarantees every implementation proves with the contract suite (`@switchboard/bus/contract`):
 * - at-least-once delivery of each accepted event to a worker (redelivered when the handler fails);
 * - deduplication by `event.id` (or the {@link EnqueueOptions.dedupeKey} given): enqueueing a key seen
 *   before returns `duplicate` and delivers nothing;
 * - strict order within one ordering key ({@link orderingKey}), parallelism across keys;
 * - a bounded queue: when full, `enqueue` returns `busy` instead of growing without limit;
 * - reply parts of one request arrive at the owner in the order they were published.
 */
export interface Bus {
  enqueue(event: InboundEvent, options?: EnqueueOptions): Promise<EnqueueResult>;
  /** Hand events to `handle`; a rejected promise means the worker failed and the event is redelivered. */
  work(handle: (event: InboundEvent, job: Job) => Promise<void>, options: WorkOptions): Unsubscribe;
  /** Send a reply part to the gateway process `owner` that holds the platform connection. */
  publishReply(requestId: string, owner: string, part: ReplyPart): Promise<void>;
  onReplies(owner: string, handle: (requestId: string, part: ReplyPart) => Promise<void>): Unsubscribe;
  publishControl(message: ControlMessage): Promise<void>;
  onControl(handle: (message: ControlMessage) => void): Unsubscribe;
  close(): Promise<void>;
}
