import { randomUUID } from 'node:crypto';
import { deferred, type InboundEvent } from '@switchboard/core';

/**
 * Builders for the contract suite. Every id and conversation carries a fresh run id, so a durable bus
 * (a JetStream stream that outlives one test) never sees an id from an earlier test or run.
 */
export class EventFactory {
  readonly run = randomUUID().slice(0, 12);

  /** A plain message `name` in conversation `channel`. */
  message(name: string, channel: string): InboundEvent {
    return this.#event(name, channel, { kind: 'message', text: `message ${name}` });
  }

  /** A slash command `/command` in conversation `channel`. */
  command(name: string, channel: string, command: string): InboundEvent {
    return this.#event(name, channel, {
      kind: 'command',
      text: `/${command}`,
      command: { name: command, args: '' },
    });
  }

  /** A button press in conversation `channel`. */
  action(name: string, channel: string): InboundEvent {
    return this.#event(name, channel, {
      kind: 'action',
      text: '',
      action: { id: 'approval', value: `${this.run}:approve` },
    });
  }

  /** A name unique to this run, for reply owners and request ids. */
  name(base: string): string {
    return `${this.run}-${base}`;
  }

  #event(
    name: string,
    channel: string,
    body: Pick<InboundEvent, 'kind' | 'text'> & Partial<Pick<InboundEvent, 'command' | 'action'>>,
  ): InboundEvent {
    return {
      id: `web:${this.run}-${name}`,
      conversation: { platform: 'web', account: `contract-${this.run}`, channel, direct: true },
      author: { platformUserId: 'u1', displayName: 'Contract Test' },
      reply: { platform: 'web', data: { channel } },
      receivedAt: new Date().toISOString(),
      ...body,
    };
  }
}

/**
 * A list that tests append to from handlers and wait on: `until` resolves as soon as the predicate
 * holds after an append (no polling), and rejects with a readable message after `timeoutMs`.
 */
export class Recorder<T> {
  readonly items: T[] = [];
  readonly #waiters = new Set<{ check: () => boolean; resolve: () => void }>();
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  push(item: T): void {
    this.items.push(item);
    for (const waiter of this.#waiters) {
      if (waiter.check()) waiter.resolve();
    }
  }

  /** Resolve once `predicate(items)` is true; reject after the timeout, naming `what` was awaited. */
  until(predicate: (items: readonly T[]) => boolean, what: string): Promise<void> {
    if (predicate(this.items)) return Promise.resolve();
    const done = deferred<void>();
    const timer = setTimeout(() => {
      this.#waiters.delete(waiter);
      done.reject(
        new Error(
          `Timed out after ${this.#timeoutMs} ms waiting for ${what}; recorded: ${JSON.stringify(this.items)}`,
        ),
      );
    }, this.#timeoutMs);
    const waiter = {
      check: () => predicate(this.items),
      resolve: () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        done.resolve();
      },
    };
    this.#waiters.add(waiter);
    return done.promise;
  }
}

/** A one-shot latch handlers wait on; `wait` gives up after a timeout so a broken bus fails, not hangs. */
export class Gate {
  readonly #opened = deferred<void>();

  open(): void {
    this.#opened.resolve();
  }

  /** True when the gate opened, false when `timeoutMs` passed first. */
  async wait(timeoutMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.#opened.promise.then(() => true as const), expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** True once `signal` aborts, false when `timeoutMs` passes first. */
export function abortedWithin(signal: AbortSignal, timeoutMs: number): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, timeoutMs);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A small seeded generator (mulberry32), so a failing random schedule can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Resolve after `ms` (used only to shuffle timings, never to wait for an outcome). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A time in milliseconds for measuring intervals. */
export function now(): number {
  return performance.now();
}
