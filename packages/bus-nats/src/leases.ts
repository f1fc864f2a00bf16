import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/core';

/** One delivery this process holds (running or waiting its turn), kept alive until it is released. */
export interface Lease {
  /** Stop renewing: the delivery was acked, nak'ed or abandoned. Idempotent. */
  release(): void;
  /** True once the bus could not renew it in time (it may now be delivered elsewhere). */
  readonly lost: boolean;
}

interface Held {
  readonly msg: JsMsg;
  readonly onLost: () => void;
  /** When the last renewal known to have reached the server was sent (initially: the delivery). */
  confirmedAt: number;
  lost: boolean;
}

/**
 * Renews the lease of every held delivery with `working()` (JetStream's in-progress ack) every third
 * of the ack wait, and confirms the renewals reached the server with a flush (a PING round trip).
 * A delivery whose last confirmed renewal is older than two intervals is reported lost — before the
 * server's ack wait runs out, so its handler hears of it before another worker starts the event.
 */
export class LeaseKeeper {
  readonly #nc: NatsConnection;
  readonly #ackWaitMs: number;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  readonly #held = new Set<Held>();
  readonly #timer: ReturnType<typeof setInterval>;
  #renewing = false;

  constructor(nc: NatsConnection, ackWaitMs: number, logger: Logger) {
    this.#nc = nc;
    this.#ackWaitMs = ackWaitMs;
    this.#intervalMs = Math.max(100, Math.floor(ackWaitMs / 3));
    this.#logger = logger;
    this.#timer = setInterval(() => void this.#renew(), this.#intervalMs);
  }

  /** Keep `msg` alive until the returned lease is released; `onLost` runs once if renewal fails. */
  hold(msg: JsMsg, onLost: () => void): Lease {
    const held: Held = { msg, onLost, confirmedAt: Date.now(), lost: false };
    this.#held.add(held);
    return {
      release: () => {
        this.#held.delete(held);
      },
      get lost() {
        return held.lost;
      },
    };
  }

  /** Stop renewing everything (the bus is closing). */
  stop(): void {
    clearInterval(this.#timer);
    this.#held.clear();
  }

  async #renew(): Promise<void> {
    // Expire first: after the event loop was blocked for long, a renewal now cannot undo a lapse.
    this.#expire();
    if (this.#renewing) return;
    this.#renewing = true;
    try {
      const sentAt = Date.now();
      const renewed = [...this.#held];
      if (renewed.length === 0) return;
      for (const held of renewed) held.msg.working();
      await withTimeout(this.#nc.flush(), this.#intervalMs);
      for (const held of renewed) held.confirmedAt = Math.max(held.confirmedAt, sentAt);
    } catch (error) {
      this.#logger.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'could not renew the leases of running events',
      );
    } finally {
      this.#renewing = false;
    }
  }

  /** Report (once) every delivery not renewed within the ack wait less one interval. */
  #expire(): void {
    const limit = Date.now() - (this.#ackWaitMs - this.#intervalMs);
    for (const held of [...this.#held]) {
      if (held.confirmedAt >= limit) continue;
      held.lost = true;
      this.#held.delete(held);
      try {
        held.onLost();
      } catch (error) {
        this.#logger.error({ error }, 'a lease-lost callback failed');
      }
    }
  }
}

/** `promise`, or a rejection after `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from NATS within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
