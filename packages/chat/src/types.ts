import type { ChatAdapter, Platform, ReplyAddress, ReplyPart, SentMessage } from '@switchboard/core';

/** The few logging calls the engine makes; a pino `Logger` fits. Lines never carry message text. */
export interface DeliveryLogger {
  debug(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** How hard the engine tries to get a message that must arrive (final text, approvals) delivered. */
export interface RetryPolicy {
  /** Attempts per call before giving up. Default 10. */
  readonly maxAttempts: number;
  /** Give up once this long has passed since the first attempt. Default 5 minutes. */
  readonly maxTotalMs: number;
  /** Wait after the first retryable failure without a retry-after; doubles each time. Default 500 ms. */
  readonly baseDelayMs: number;
  /** The longest such wait. Default 15 s. */
  readonly maxDelayMs: number;
}

/**
 * Where the engine records what it did for each request (the outbox; ADR 0031): the platform messages a
 * reply shows, and that its final text arrived. The box implements it over the store, so after a crash
 * the delivery can be finished by editing those messages instead of posting the reply again. Calls
 * must not block or throw: the implementation queues its writes.
 */
export interface DeliveryJournal {
  /** The messages the request's reply shows now, in order (after every post). */
  sent(requestId: string, messages: readonly SentMessage[]): void;
  /** The request's final reply reached the platform. */
  delivered(requestId: string): void;
}

/** How a delivery picks up after a restart: the messages its reply already shows (from the journal). */
export interface DeliveryResume {
  readonly sent: readonly SentMessage[];
}

/** Options of {@link createDeliveryEngine}. */
export interface DeliveryOptions {
  /** The adapter that owns a platform's connection, or undefined when none is running. */
  adapterFor(platform: Platform): ChatAdapter | undefined;
  readonly logger?: DeliveryLogger;
  /** What the first message shows before any status or text. Default `…`. */
  readonly placeholderText?: string;
  /** How often "typing…" is renewed on platforms without edits. Default 4000 ms. */
  readonly typingIntervalMs?: number;
  /** Retry limits for messages that must arrive. */
  readonly retry?: Partial<RetryPolicy>;
  /** How long `close()` lets open deliveries finish before aborting them. Default 10 s. */
  readonly closeTimeoutMs?: number;
  /** Where posts and finished deliveries are recorded; nothing is recorded without it. */
  readonly journal?: DeliveryJournal;
  /** Told of every platform call that failed and will be retried (for `/metrics`). */
  readonly onRetry?: (retry: DeliveryRetry) => void;
}

/** A platform call that failed and is retried: `rateLimited` when the platform said to slow down (429). */
export interface DeliveryRetry {
  readonly platform: Platform;
  readonly rateLimited: boolean;
}

/**
 * Turns each request's reply parts into platform calls: native streaming where the adapter offers it,
 * otherwise a placeholder edited at the platform's pace, otherwise typing and the final text.
 */
export interface DeliveryEngine {
  /**
   * Start a delivery for `requestId`, answering at `address`. Call before the request can produce parts.
   * Opening an id that is still open counts once more (see {@link DeliveryEngine.discard}). With
   * `resume`, the delivery continues in the messages an earlier process posted (by editing them), never
   * posting the reply a second time.
   */
  open(requestId: string, address: ReplyAddress, resume?: DeliveryResume): void;
  /**
   * Hand over the next part of a request, in order. Resolves at once: platform calls happen in the
   * request's own loop. Parts of an unknown or finished request are dropped with a warning.
   */
  accept(requestId: string, part: ReplyPart): Promise<void>;
  /** Undo one `open` of a request that will produce no parts (a duplicate event). */
  discard(requestId: string): void;
  /**
   * Resolves when the request's delivery has finished (every platform call done). Without an id, when
   * every delivery that has received a part has finished.
   */
  settled(requestId?: string): Promise<void>;
  /**
   * Refuse new requests, end every open one with a "shutting down" error, wait up to `closeTimeoutMs`
   * for deliveries to finish, then abort the rest.
   */
  close(): Promise<void>;
}

/** The engine's settings with every default filled in. */
export interface DeliverySettings {
  readonly placeholderText: string;
  readonly typingIntervalMs: number;
  readonly retry: RetryPolicy;
  readonly closeTimeoutMs: number;
  readonly onRetry: (retry: DeliveryRetry) => void;
}
