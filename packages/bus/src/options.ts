import type { InboundEvent } from '@switchboard/core';

/** Options of {@link createMemoryBus}. Every field has a default suited to one box. */
export interface MemoryBusOptions {
  /** The most events held at once, waiting and in flight together; beyond it `enqueue` answers `busy`. Default 1000. */
  readonly queueLimit?: number;
  /** How many recent event ids are remembered for deduplication (least recently seen forgotten first). Default 10 000. */
  readonly dedupeWindow?: number;
  /** How many deliveries an event gets before it is dead-lettered. Default 3. */
  readonly maxAttempts?: number;
  /** The pause before the first redelivery after a failure; doubled on each later one (at most 30 s). Default 100 ms. */
  readonly redeliveryDelayMs?: number;
  /** The `retryAfterMs` that a `busy` answer carries. Default 5000 ms. */
  readonly busyRetryAfterMs?: number;
  /** How long `close()` waits for running handlers and reply deliveries to settle. Default 5000 ms. */
  readonly closeTimeoutMs?: number;
  /** Called with an event that failed `maxAttempts` times, and the last error; the event is then dropped. */
  readonly onDeadLetter?: (event: InboundEvent, error: unknown) => void;
  /**
   * Called when a reply or control handler throws. The bus carries on with the next part or message.
   * Default: `console.error`.
   */
  readonly onHandlerError?: (error: unknown, context: HandlerErrorContext) => void;
}

/** Where a handler error happened, for {@link MemoryBusOptions.onHandlerError}. */
export type HandlerErrorContext =
  | { readonly source: 'replies'; readonly owner: string; readonly requestId: string }
  | { readonly source: 'control'; readonly messageType: string }
  | { readonly source: 'dead-letter'; readonly eventId: string };

/** {@link MemoryBusOptions} with every default filled in. */
export interface ResolvedMemoryBusOptions {
  readonly queueLimit: number;
  readonly dedupeWindow: number;
  readonly maxAttempts: number;
  readonly redeliveryDelayMs: number;
  readonly busyRetryAfterMs: number;
  readonly closeTimeoutMs: number;
  readonly onDeadLetter: ((event: InboundEvent, error: unknown) => void) | undefined;
  readonly onHandlerError: (error: unknown, context: HandlerErrorContext) => void;
}

/** The defaults of {@link MemoryBusOptions}. */
export const MEMORY_BUS_DEFAULTS = {
  queueLimit: 1000,
  dedupeWindow: 10_000,
  maxAttempts: 3,
  redeliveryDelayMs: 100,
  busyRetryAfterMs: 5000,
  closeTimeoutMs: 5000,
} as const;

/** Fill in defaults and reject values that cannot work (a programming error, so it throws). */
export function resolveOptions(options: MemoryBusOptions): ResolvedMemoryBusOptions {
  const resolved: ResolvedMemoryBusOptions = {
    queueLimit: options.queueLimit ?? MEMORY_BUS_DEFAULTS.queueLimit,
    dedupeWindow: options.dedupeWindow ?? MEMORY_BUS_DEFAULTS.dedupeWindow,
    maxAttempts: options.maxAttempts ?? MEMORY_BUS_DEFAULTS.maxAttempts,
    redeliveryDelayMs: options.redeliveryDelayMs ?? MEMORY_BUS_DEFAULTS.redeliveryDelayMs,
    busyRetryAfterMs: options.busyRetryAfterMs ?? MEMORY_BUS_DEFAULTS.busyRetryAfterMs,
    closeTimeoutMs: options.closeTimeoutMs ?? MEMORY_BUS_DEFAULTS.closeTimeoutMs,
    onDeadLetter: options.onDeadLetter,
    onHandlerError: options.onHandlerError ?? defaultHandlerError,
  };
  requireInteger('queueLimit', resolved.queueLimit, 1);
  requireInteger('dedupeWindow', resolved.dedupeWindow, 0);
  requireInteger('maxAttempts', resolved.maxAttempts, 1);
  requireInteger('redeliveryDelayMs', resolved.redeliveryDelayMs, 0);
  requireInteger('busyRetryAfterMs', resolved.busyRetryAfterMs, 0);
  requireInteger('closeTimeoutMs', resolved.closeTimeoutMs, 0);
  return resolved;
}

/** Throw a RangeError naming the option when `value` is not an integer of at least `min`. */
export function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`The bus option ${name} must be a whole number of at least ${min}, got ${value}.`);
  }
}

function defaultHandlerError(error: unknown, context: HandlerErrorContext): void {
  console.error('switchboard bus: a handler failed', context, error);
}
