import type { InboundEvent, Logger } from '@switchboard/core';

/** Why the bus stopped redelivering an event, for {@link NatsBusOptions.onGiveUp}. */
export interface GiveUp {
  /** Deliveries that could have run the handler (the last one included). */
  readonly attempts: number;
  /**
   * The last handler's error, or `undefined` when the workers that ran it kept stopping without
   * answering (crashed, killed or cut off) until `maxInterruptions` was reached.
   */
  readonly error: unknown;
}

/** Options of {@link createNatsBus}. Only `url` is required; every other field has a default. */
export interface NatsBusOptions {
  /**
   * The NATS server(s), e.g. `nats://127.0.0.1:4222` (the box reads it from `NATS_URL`). Several
   * servers of one cluster may be given comma-separated. Credentials may be part of the URL
   * (`nats://user:password@host:4222`); they never appear in errors or logs.
   */
  readonly url: string;
  /**
   * The start of every stream, subject, consumer and bucket name this bus uses, so several boxes (or
   * test runs) can share one NATS server without seeing each other. Letters, digits, `_` and `-`.
   * Every gateway and worker of one box must use the same prefix. Default `switchboard`.
   */
  readonly prefix?: string;
  /** The connection's name, shown by the NATS server's monitoring. Default `switchboard`. */
  readonly name?: string;
  /**
   * How long a delivered event or reply part may go without an answer before JetStream gives it to
   * another process. Running handlers renew it (`working()`) every third of this, so it only expires
   * when the process died or lost its connection. Default 30 000 ms.
   */
  readonly ackWaitMs?: number;
  /**
   * Runs of an event whose handler may fail (reject); after the last one fails, `onGiveUp` is called
   * and the event is removed. Default 3.
   */
  readonly maxDeliver?: number;
  /**
   * Runs of an event that may be interrupted — the worker running it vanished (killed, crashed, cut
   * off) with neither an answer nor a failure — before the next delivery gives up on it instead of
   * running it again (a crash loop). Counted apart from {@link maxDeliver}: a worker killed under an
   * answer says nothing about the answer. Default 10 (ADR 0047).
   */
  readonly maxInterruptions?: number;
  /** The pause before redelivering an event whose handler rejected; doubled each time, at most 30 s. Default 500 ms. */
  readonly redeliveryDelayMs?: number;
  /**
   * The most events held at once, waiting and in flight together (the stream's `max_msgs`, discard
   * new); beyond it `enqueue` answers `busy`. Default 1000.
   */
  readonly queueLimit?: number;
  /** The most bytes of events held at once (the stream's `max_bytes`). Default: no byte limit. */
  readonly queueMaxBytes?: number;
  /** The `retryAfterMs` of a `busy` answer. Default 5000 ms. */
  readonly busyRetryAfterMs?: number;
  /**
   * How long JetStream remembers an event id to answer `duplicate` (the stream's duplicate window).
   * Older repeats are caught by the task store's unique event id. Default 10 minutes.
   */
  readonly duplicateWindowMs?: number;
  /** How long undelivered reply parts wait for their gateway before they are dropped. Default 24 hours. */
  readonly replyMaxAgeMs?: number;
  /** Stream replicas, for a NATS cluster (1 to 5). Default 1. */
  readonly replicas?: number;
  /** How long one request to NATS (a publish, a lookup) may take before it is retried or fails. Default 5000 ms. */
  readonly requestTimeoutMs?: number;
  /** How long `createNatsBus` tries to reach the server before failing. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** How long `close()` waits for running handlers and reply deliveries to settle. Default 5000 ms. */
  readonly closeTimeoutMs?: number;
  /**
   * Called once an event has used up `maxDeliver` failed runs or `maxInterruptions` interrupted ones,
   * before it is removed from the queue.
   * Default: log an error and publish an `error` reply part (code `delivery_failed`) to the event's
   * gateway, so the user is told. A hook that throws is retried later with the event still queued.
   */
  readonly onGiveUp?: (event: InboundEvent, giveUp: GiveUp) => Promise<void> | void;
  /** Where the bus logs (pino). Default: a logger at `info` named `bus-nats`. */
  readonly logger?: Logger;
}

/** {@link NatsBusOptions} with every default filled in (except the ones that need the bus). */
export interface ResolvedNatsBusOptions {
  readonly url: string;
  readonly prefix: string;
  readonly name: string;
  readonly ackWaitMs: number;
  readonly maxDeliver: number;
  readonly maxInterruptions: number;
  readonly redeliveryDelayMs: number;
  readonly queueLimit: number;
  readonly queueMaxBytes: number | undefined;
  readonly busyRetryAfterMs: number;
  readonly duplicateWindowMs: number;
  readonly replyMaxAgeMs: number;
  readonly replicas: number;
  readonly requestTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
}

/** The defaults of {@link NatsBusOptions}. */
export const NATS_BUS_DEFAULTS = {
  prefix: 'switchboard',
  name: 'switchboard',
  ackWaitMs: 30_000,
  maxDeliver: 3,
  maxInterruptions: 10,
  redeliveryDelayMs: 500,
  queueLimit: 1000,
  busyRetryAfterMs: 5000,
  duplicateWindowMs: 10 * 60_000,
  replyMaxAgeMs: 24 * 60 * 60_000,
  replicas: 1,
  requestTimeoutMs: 5000,
  connectTimeoutMs: 5000,
  closeTimeoutMs: 5000,
} as const;

/** The longest pause before a redelivery, however many attempts came before. */
export const MAX_REDELIVERY_DELAY_MS = 30_000;

/** Fill in defaults and reject values that cannot work (a programming error, so it throws a RangeError). */
export function resolveOptions(options: NatsBusOptions): ResolvedNatsBusOptions {
  const resolved: ResolvedNatsBusOptions = {
    url: options.url,
    prefix: options.prefix ?? NATS_BUS_DEFAULTS.prefix,
    name: options.name ?? NATS_BUS_DEFAULTS.name,
    ackWaitMs: options.ackWaitMs ?? NATS_BUS_DEFAULTS.ackWaitMs,
    maxDeliver: options.maxDeliver ?? NATS_BUS_DEFAULTS.maxDeliver,
    maxInterruptions: options.maxInterruptions ?? NATS_BUS_DEFAULTS.maxInterruptions,
    redeliveryDelayMs: options.redeliveryDelayMs ?? NATS_BUS_DEFAULTS.redeliveryDelayMs,
    queueLimit: options.queueLimit ?? NATS_BUS_DEFAULTS.queueLimit,
    queueMaxBytes: options.queueMaxBytes,
    busyRetryAfterMs: options.busyRetryAfterMs ?? NATS_BUS_DEFAULTS.busyRetryAfterMs,
    duplicateWindowMs: options.duplicateWindowMs ?? NATS_BUS_DEFAULTS.duplicateWindowMs,
    replyMaxAgeMs: options.replyMaxAgeMs ?? NATS_BUS_DEFAULTS.replyMaxAgeMs,
    replicas: options.replicas ?? NATS_BUS_DEFAULTS.replicas,
    requestTimeoutMs: options.requestTimeoutMs ?? NATS_BUS_DEFAULTS.requestTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs ?? NATS_BUS_DEFAULTS.connectTimeoutMs,
    closeTimeoutMs: options.closeTimeoutMs ?? NATS_BUS_DEFAULTS.closeTimeoutMs,
  };
  if (typeof resolved.url !== 'string' || resolved.url.trim() === '') {
    throw new RangeError('The NATS bus needs a server URL (NATS_URL), such as nats://127.0.0.1:4222.');
  }
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(resolved.prefix)) {
    throw new RangeError(
      `The NATS bus prefix must be 1 to 32 letters, digits, "_" or "-", got "${resolved.prefix}".`,
    );
  }
  requireInteger('ackWaitMs', resolved.ackWaitMs, 300);
  requireInteger('maxDeliver', resolved.maxDeliver, 1);
  requireInteger('maxInterruptions', resolved.maxInterruptions, 1);
  requireInteger('redeliveryDelayMs', resolved.redeliveryDelayMs, 0);
  requireInteger('queueLimit', resolved.queueLimit, 1);
  if (resolved.queueMaxBytes !== undefined) requireInteger('queueMaxBytes', resolved.queueMaxBytes, 1024);
  requireInteger('busyRetryAfterMs', resolved.busyRetryAfterMs, 0);
  requireInteger('duplicateWindowMs', resolved.duplicateWindowMs, 1000);
  requireInteger('replyMaxAgeMs', resolved.replyMaxAgeMs, 1000);
  requireInteger('replicas', resolved.replicas, 1);
  if (resolved.replicas > 5) {
    throw new RangeError(`The NATS bus option replicas must be at most 5, got ${resolved.replicas}.`);
  }
  requireInteger('requestTimeoutMs', resolved.requestTimeoutMs, 100);
  requireInteger('connectTimeoutMs', resolved.connectTimeoutMs, 100);
  requireInteger('closeTimeoutMs', resolved.closeTimeoutMs, 0);
  return resolved;
}

/** The pause before delivery `attempt + 1` after `attempt` failed: doubling, capped. */
export function redeliveryDelay(baseMs: number, attempt: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), MAX_REDELIVERY_DELAY_MS);
}

/** Throw a RangeError naming the option when `value` is not an integer of at least `min`. */
function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `The NATS bus option ${name} must be a whole number of at least ${min}, got ${value}.`,
    );
  }
}
