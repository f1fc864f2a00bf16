import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { type Bus, createLogger, type InboundEvent, type Logger } from '@switchboard/core';
import { busNames } from './names';
import { createNatsBus } from './nats-bus';
import type { NatsBusOptions } from './options';

/** The NATS server the tests use (`NATS_URL`); the suites that need it are skipped without it. */
export const { NATS_URL: natsUrl } = process.env;

/** Say once per file why its NATS tests do not run. */
export function reportSkip(file: string): void {
  if (natsUrl === undefined || natsUrl === '') {
    console.warn(`${file}: NATS_URL is not set, so the tests against a real NATS server are skipped.`);
  }
}

/** A logger that writes nothing. */
export const quietLogger: Logger = createLogger({ level: 'silent' });

/**
 * Buses on fresh, random prefixes (so concurrent runs never share a stream), and the clean-up that
 * closes them and deletes every stream they made.
 */
export class TestBuses {
  readonly #prefixes = new Set<string>();
  readonly #open: Bus[] = [];

  /** A new random prefix, remembered for clean-up. */
  prefix(): string {
    const prefix = `sbtest-${randomUUID().slice(0, 12)}`;
    this.#prefixes.add(prefix);
    return prefix;
  }

  /** A bus on `prefix` (default: a new one) with test-friendly settings; closed by {@link cleanup}. */
  async open(options: Partial<NatsBusOptions> = {}): Promise<Bus> {
    const prefix = options.prefix ?? this.prefix();
    this.#prefixes.add(prefix);
    const bus = await createNatsBus({
      url: natsUrl ?? '',
      redeliveryDelayMs: 100,
      logger: quietLogger,
      ...options,
      prefix,
    });
    this.#open.push(bus);
    return bus;
  }

  /** Close every bus opened here and delete the streams of every prefix handed out. */
  async cleanup(): Promise<void> {
    await Promise.allSettled(this.#open.splice(0).map((bus) => bus.close()));
    await deleteStreams([...this.#prefixes]);
    this.#prefixes.clear();
  }
}

/** Delete the streams (and the bucket) of every prefix in `prefixes`. */
export async function deleteStreams(prefixes: readonly string[]): Promise<void> {
  if (prefixes.length === 0 || !natsUrl) return;
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    for (const prefix of prefixes) {
      const names = busNames(prefix);
      for (const stream of [names.inboundStream, names.repliesStream, `KV_${names.releasesBucket}`]) {
        await jsm.streams.delete(stream).catch(() => false);
      }
    }
  } finally {
    await nc.close();
  }
}

/** A plain message `name` in conversation `channel` of a run-unique account (`run`). */
export function testEvent(
  run: string,
  name: string,
  channel: string,
  extra: Partial<InboundEvent> = {},
): InboundEvent {
  return {
    id: `web:${run}-${name}`,
    kind: 'message',
    text: `message ${name}`,
    conversation: { platform: 'web', account: `nats-${run}`, channel, direct: true },
    author: { platformUserId: 'u1', displayName: 'NATS Test' },
    reply: { platform: 'web', data: { channel } },
    receivedAt: new Date().toISOString(),
    ...extra,
  };
}

/** A list tests append to and wait on; `until` rejects after `timeoutMs`, naming what it waited for. */
export class Recorder<T> {
  readonly items: T[] = [];
  readonly #waiters = new Set<() => void>();

  push(item: T): void {
    this.items.push(item);
    for (const wake of [...this.#waiters]) wake();
  }

  until(predicate: (items: readonly T[]) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (predicate(this.items)) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for ${what}; recorded: ${JSON.stringify(this.items)}`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        if (!predicate(this.items)) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }
}

/** Resolve after `ms` (to let something that must not happen get its chance). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolve once the workers' consumer of `prefix` has `count` deliveries out (unacked), or reject after 15 s. */
export async function untilDeliveredUnacked(prefix: string, count: number): Promise<void> {
  const nc = await connect({ servers: natsUrl ?? '' });
  try {
    const jsm = await jetstreamManager(nc);
    const names = busNames(prefix);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const info = await jsm.consumers.info(names.inboundStream, names.workersConsumer);
      if (info.num_ack_pending === count) return;
      if (Date.now() > deadline)
        throw new Error(`expected ${count} unacked deliveries, have ${info.num_ack_pending}`);
      await pause(20);
    }
  } finally {
    await nc.close();
  }
}
