import {
  type InboundEvent,
  type Job,
  orderingKey,
  type Unsubscribe,
  type WorkOptions,
} from '@switchboard/core';
import { BusClosedError } from './errors';
import { requireInteger } from './options';

/** The longest pause before a redelivery, however many attempts came before. */
export const MAX_REDELIVERY_DELAY_MS = 30_000;

/** A worker's handler, as {@link Bus.work} takes it. */
export type WorkHandler = (event: InboundEvent, job: Job) => Promise<void>;

/** What {@link WorkQueue} needs to know about failures. */
export interface WorkQueueOptions {
  readonly maxAttempts: number;
  readonly redeliveryDelayMs: number;
  /** An event failed its last attempt and is dropped. */
  readonly onDeadLetter: (event: InboundEvent, error: unknown) => void;
}

/** An accepted event and how many times it has been delivered so far. */
interface Entry {
  readonly event: InboundEvent;
  deliveries: number;
}

/**
 * The events of one ordering key. Only the head entry is ever delivered; it leaves the lane when its
 * handler succeeds or it is dead-lettered, so a failed event is redelivered before anything behind it.
 * A lane is in the ready list only while nothing of it runs or waits to be redelivered.
 */
interface Lane {
  readonly key: string;
  readonly entries: Entry[];
}

/** One `work()` subscription: a handler and how many of its calls may run at once. */
interface Subscription {
  readonly handle: WorkHandler;
  readonly concurrency: number;
  running: number;
}

/**
 * The inbound half of the memory bus: per-key FIFO lanes, competing worker subscriptions with a
 * concurrency limit each, redelivery with backoff, and shutdown that aborts every running job.
 */
export class WorkQueue {
  readonly #options: WorkQueueOptions;
  readonly #lanes = new Map<string, Lane>();
  /** Lanes whose head may be delivered now, oldest first, so no key starves. */
  readonly #ready: Lane[] = [];
  readonly #ids = new Set<string>();
  #subscriptions: Subscription[] = [];
  #nextSubscription = 0;
  #size = 0;
  readonly #running = new Map<Promise<void>, AbortController>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;

  constructor(options: WorkQueueOptions) {
    this.#options = options;
  }

  /** Events held now: waiting, in a handler, or waiting to be redelivered. */
  get size(): number {
    return this.#size;
  }

  /** True while an event with this id is held (so a short dedupe window never lets it in twice). */
  holds(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Add an accepted event at the end of its key's lane. */
  push(event: InboundEvent): void {
    if (this.#closed) throw new BusClosedError();
    const key = orderingKey(event);
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      lane = { key, entries: [] };
      this.#lanes.set(key, lane);
      this.#ready.push(lane);
    }
    lane.entries.push({ event, deliveries: 0 });
    this.#ids.add(event.id);
    this.#size += 1;
    this.#dispatch();
  }

  /** Start a competing consumer. Unsubscribing stops new deliveries; running handlers finish. */
  subscribe(handle: WorkHandler, options: WorkOptions): Unsubscribe {
    requireInteger('concurrency', options.concurrency, 1);
    if (this.#closed) return () => {};
    const subscription: Subscription = { handle, concurrency: options.concurrency, running: 0 };
    this.#subscriptions.push(subscription);
    this.#dispatch();
    return () => {
      this.#subscriptions = this.#subscriptions.filter((candidate) => candidate !== subscription);
    };
  }

  /**
   * Stop delivering, drop what waits, abort every running job, and resolve when their handlers have
   * settled or `timeoutMs` has passed, whichever comes first.
   */
  async close(timeoutMs: number): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#subscriptions = [];
      this.#ready.length = 0;
      this.#lanes.clear();
      for (const timer of this.#timers) clearTimeout(timer);
      this.#timers.clear();
      for (const controller of this.#running.values()) controller.abort(new BusClosedError());
    }
    await settleWithin([...this.#running.keys()], timeoutMs);
  }

  /** Hand ready lanes to subscriptions with free capacity until one or the other runs out. */
  #dispatch(): void {
    while (this.#ready.length > 0) {
      const subscription = this.#pickSubscription();
      if (subscription === undefined) return;
      const lane = this.#ready.shift();
      if (lane !== undefined) this.#deliver(lane, subscription);
    }
  }

  /** The next subscription with a free slot, round-robin so competing consumers share the work. */
  #pickSubscription(): Subscription | undefined {
    const count = this.#subscriptions.length;
    for (let offset = 0; offset < count; offset += 1) {
      const index = (this.#nextSubscription + offset) % count;
      const subscription = this.#subscriptions[index];
      if (subscription !== undefined && subscription.running < subscription.concurrency) {
        this.#nextSubscription = (index + 1) % count;
        return subscription;
      }
    }
    return undefined;
  }

  #deliver(lane: Lane, subscription: Subscription): void {
    const entry = lane.entries[0];
    if (entry === undefined) return;
    entry.deliveries += 1;
    subscription.running += 1;
    const controller = new AbortController();
    const job: Job = { attempt: entry.deliveries, signal: controller.signal };
    const run = Promise.resolve()
      .then(() => subscription.handle(entry.event, job))
      .then(
        () => this.#settle(lane, entry, undefined),
        (error: unknown) => this.#settle(lane, entry, { error }),
      )
      .finally(() => {
        subscription.running -= 1;
        this.#running.delete(run);
        this.#dispatch();
      });
    this.#running.set(run, controller);
  }

  /** Record the outcome of one delivery: next entry, redelivery after a pause, or dead letter. */
  #settle(lane: Lane, entry: Entry, failure: { error: unknown } | undefined): void {
    if (this.#closed) return;
    if (failure === undefined) {
      this.#finishHead(lane);
      return;
    }
    if (entry.deliveries >= this.#options.maxAttempts) {
      this.#finishHead(lane);
      try {
        this.#options.onDeadLetter(entry.event, failure.error);
      } catch {
        // The callback's own failure must not stall the queue; the caller wraps it to report errors.
      }
      return;
    }
    const delay = Math.min(
      this.#options.redeliveryDelayMs * 2 ** (entry.deliveries - 1),
      MAX_REDELIVERY_DELAY_MS,
    );
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#ready.push(lane);
      this.#dispatch();
    }, delay);
    this.#timers.add(timer);
  }

  /** The head entry is done: remove it and queue the lane again if more entries wait. */
  #finishHead(lane: Lane): void {
    const entry = lane.entries.shift();
    if (entry !== undefined) {
      this.#ids.delete(entry.event.id);
      this.#size -= 1;
    }
    if (lane.entries.length === 0) {
      this.#lanes.delete(lane.key);
      return;
    }
    this.#ready.push(lane);
  }
}

/** Resolve when every promise has settled or after `timeoutMs`, whichever comes first. */
export async function settleWithin(promises: readonly Promise<unknown>[], timeoutMs: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cap = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([Promise.allSettled(promises), cap]);
  } finally {
    clearTimeout(timer);
  }
}
