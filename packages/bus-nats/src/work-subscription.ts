import type { Consumer, ConsumerMessages, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { type Deferred, deferred, type InboundEvent, type Job, type Logger } from '@switchboard/core';
import { attemptOf, confirmAck, type Delivery, laneOfSubject, readEvent } from './delivery';
import { LeaseLostError } from './errors';
import type { LanePosition, Lanes } from './lanes';
import type { LeaseKeeper } from './leases';
import type { BusNames } from './names';
import { type GiveUp, type ResolvedNatsBusOptions, redeliveryDelay } from './options';
import { Parking } from './parking';
import type { ReleaseLedger } from './releases';
import { TurnBatch } from './turn-batch';

/**
 * How long one pull request waits at the server for an event. The server sends a heartbeat every
 * half of it; two missed heartbeats end the pull, so a pull request lost with a dropped connection
 * is replaced within about this long (at 30 s a reconnected worker sat idle for up to a minute).
 */
const PULL_EXPIRES_MS = 5000;
/** The pause before an event handed back because too many wait here comes again. */
const PARKING_FULL_DELAY_MS = 1000;

/** A worker's handler, as {@link Bus.work} takes it. */
export type WorkHandler = (event: InboundEvent, job: Job) => Promise<void>;

/** What every work subscription of one bus shares. */
export interface WorkContext {
  readonly consumer: Consumer;
  readonly jsm: JetStreamManager;
  readonly names: BusNames;
  readonly lanes: Lanes;
  readonly leases: LeaseKeeper;
  readonly ledger: ReleaseLedger;
  readonly options: ResolvedNatsBusOptions;
  readonly logger: Logger;
  /** The bus's give-up hook (already wrapped with the default). */
  readonly giveUp: (event: InboundEvent, giveUp: GiveUp) => Promise<void>;
  /** True once the bus is closing: a failed handler's event is then offered to other workers at once. */
  readonly closing: () => boolean;
}

/**
 * One `work()` subscription: pulls events from the shared consumer while it has a free slot, runs
 * each one whose lane it heads (see {@link Lanes}), and parks the others until their turn comes.
 * A handler that resolves acks its event; one that rejects nak's it with a growing delay; the last
 * allowed attempt that fails goes to the give-up hook. Parked deliveries do not take slots.
 */
export class WorkSubscription {
  readonly #context: WorkContext;
  readonly #handle: WorkHandler;
  readonly #concurrency: number;
  readonly #maxParked: number;
  readonly #running = new Map<Delivery, AbortController>();
  readonly #settling = new Set<Promise<void>>();
  readonly #parking: Parking;
  /** Acks of handlers that finished in the same turn go out in one write. */
  readonly #acks = new TurnBatch();
  readonly #recheck: ReturnType<typeof setInterval>;
  /** Deliveries received and not yet running, parked or handed back. */
  #receiving = 0;
  #active = true;
  #fetch: ConsumerMessages | undefined;
  #wake: Deferred<void> | undefined;

  constructor(context: WorkContext, handle: WorkHandler, concurrency: number) {
    this.#context = context;
    this.#handle = handle;
    this.#concurrency = concurrency;
    this.#maxParked = Math.max(32, concurrency * 8);
    this.#parking = new Parking(context.lanes, (lane) => void this.#checkLane(lane));
    const recheckMs = Math.min(5000, Math.max(100, Math.floor(context.options.ackWaitMs / 3)));
    this.#recheck = setInterval(() => {
      for (const lane of this.#parking.lanes()) void this.#checkLane(lane);
    }, recheckMs);
    void this.#pullLoop();
  }

  /** Take no more events and hand back the waiting ones; running handlers finish and are acked. */
  stop(): void {
    if (!this.#active) return;
    this.#active = false;
    clearInterval(this.#recheck);
    this.#fetch?.stop();
    this.#wakeUp();
    for (const delivery of this.#parking.clear()) this.#track(this.#release(delivery, 0));
  }

  /** Abort the signal of every running job. */
  abortRunning(reason: unknown): void {
    for (const controller of this.#running.values()) controller.abort(reason);
  }

  /** Resolves once every running handler has settled and its event was acked or handed back. */
  async settled(): Promise<void> {
    while (this.#settling.size > 0) await Promise.allSettled([...this.#settling]);
  }

  /**
   * Pull as many events as there are free slots (slots of running handlers and of deliveries being
   * looked at are taken), one pull request at a time, until stopped.
   */
  async #pullLoop(): Promise<void> {
    let failures = 0;
    while (this.#active) {
      const free = this.#concurrency - this.#running.size - this.#receiving;
      if (free <= 0) {
        this.#wake = deferred();
        await this.#wake.promise;
        continue;
      }
      try {
        const messages = await this.#context.consumer.fetch({ max_messages: free, expires: PULL_EXPIRES_MS });
        this.#fetch = messages;
        if (!this.#active) messages.stop();
        for await (const msg of messages) {
          this.#receiving += 1;
          this.#track(
            this.#receive(msg).finally(() => {
              this.#receiving -= 1;
              this.#wakeUp();
            }),
          );
        }
        failures = 0;
      } catch (error) {
        if (!this.#active) break;
        failures += 1;
        this.#context.logger.warn({ error: String(error) }, 'pulling inbound events failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** failures, 5000)));
      } finally {
        this.#fetch = undefined;
      }
    }
  }

  #wakeUp(): void {
    this.#wake?.resolve();
    this.#wake = undefined;
  }

  async #receive(msg: JsMsg): Promise<void> {
    try {
      await this.#place(msg);
    } catch (error) {
      this.#context.logger.error({ error: String(error), seq: msg.seq }, 'could not place an inbound event');
    }
  }

  async #place(msg: JsMsg): Promise<void> {
    const { logger, ledger, leases } = this.#context;
    const event = readEvent(msg, logger);
    if (event === undefined) {
      msg.ack();
      return;
    }
    const count = await attemptOf(msg, event.id, ledger, logger);
    const delivery: Delivery = {
      msg,
      event,
      lane: laneOfSubject(msg.subject),
      seq: msg.seq,
      ...count,
      lease: undefined,
    };
    delivery.lease = leases.hold(msg, () => this.#leaseLost(delivery));
    if (!this.#active) {
      this.#track(this.#release(delivery, 0));
      return;
    }
    this.#parking.park(delivery);
    await this.#checkLane(delivery.lane);
    if (this.#parking.has(delivery) && this.#parking.count > this.#maxParked) {
      this.#parking.unpark(delivery);
      this.#track(this.#release(delivery, PARKING_FULL_DELAY_MS));
    }
  }

  /** Start the lane's first parked delivery when it heads its lane; drop the ones already done elsewhere. */
  async #checkLane(lane: string): Promise<void> {
    const parked = this.#parking.lane(lane);
    if (parked === undefined) return;
    if (parked.checking) {
      parked.dirty = true;
      return;
    }
    parked.checking = true;
    try {
      do {
        parked.dirty = false;
        const first = parked.deliveries[0];
        if (first === undefined) break;
        let position: LanePosition;
        try {
          position = await this.#context.lanes.position(lane, first.seq);
        } catch (error) {
          this.#context.logger.debug(
            { error: String(error), lane },
            'lane lookup failed; retrying on the timer',
          );
          break;
        }
        if (parked.deliveries[0] !== first) {
          parked.dirty = true;
          continue;
        }
        if (position === 'behind') continue;
        this.#parking.unpark(first);
        if (position === 'gone') {
          first.lease?.release();
          parked.dirty = true;
          continue;
        }
        this.#start(first);
      } while (parked.dirty && this.#parking.lane(lane) === parked);
    } finally {
      parked.checking = false;
    }
  }

  /**
   * The delivery heads its lane: run it; give it up when its runs already failed `maxDeliver` times
   * (a give-up hook that failed) or were interrupted `maxInterruptions` times (a crash loop); or hand
   * it back when no slot is free.
   */
  #start(delivery: Delivery): void {
    const { maxDeliver, maxInterruptions } = this.#context.options;
    if (delivery.failures >= maxDeliver || delivery.interruptions >= maxInterruptions) {
      this.#track(this.#giveUp(delivery, { attempts: delivery.attempt - 1, error: undefined }));
    } else if (!this.#active || this.#running.size >= this.#concurrency) {
      this.#track(this.#release(delivery, 0));
    } else {
      this.#run(delivery);
    }
  }

  #run(delivery: Delivery): void {
    const controller = new AbortController();
    this.#running.set(delivery, controller);
    const job: Job = { attempt: delivery.attempt, signal: controller.signal };
    const settled = (async () => {
      let failure: { error: unknown } | undefined;
      try {
        await this.#handle(delivery.event, job);
      } catch (error) {
        failure = { error };
      }
      this.#running.delete(delivery);
      this.#wakeUp();
      await this.#settle(delivery, failure);
    })();
    this.#track(settled);
  }

  async #settle(delivery: Delivery, failure: { error: unknown } | undefined): Promise<void> {
    const { options, closing } = this.#context;
    if (delivery.lease?.lost === true) return;
    if (failure === undefined) {
      await this.#finish(delivery);
    } else if (closing()) {
      // Interrupted by the shutdown: another worker may take it at once. It ran, so it counts as an
      // attempt (the next worker must see attempt > 1 to resume the task this run recorded).
      delivery.lease?.release();
      delivery.msg.nak(0);
    } else if (delivery.failures + 1 >= options.maxDeliver) {
      await this.#giveUp(delivery, { attempts: delivery.attempt, error: failure.error }, true);
    } else {
      await this.#recordFailure(delivery);
      delivery.lease?.release();
      delivery.msg.nak(redeliveryDelay(options.redeliveryDelayMs, delivery.failures + 1));
    }
  }

  /** Ack, and once the event has left the stream, tell the lane's watchers. */
  async #finish(delivery: Delivery): Promise<void> {
    const { jsm, names, options, lanes, ledger, logger } = this.#context;
    const acked = await this.#acks.run(() =>
      confirmAck(delivery, jsm, names.inboundStream, options.requestTimeoutMs),
    );
    delivery.lease?.release();
    if (!acked) {
      logger.warn(
        { eventId: delivery.event.id },
        'the ack was not confirmed; the event may be delivered again',
      );
      return;
    }
    lanes.announceDone(delivery.lane, delivery.seq);
    if (delivery.inLedger) void ledger.forget(delivery.event.id).catch(() => {});
  }

  /** Call the give-up hook and ack; a hook that fails leaves the event queued (a failed run recorded). */
  async #giveUp(delivery: Delivery, giveUp: GiveUp, afterFailedRun = false): Promise<void> {
    try {
      await this.#context.giveUp(delivery.event, giveUp);
    } catch (hookError) {
      this.#context.logger.error(
        { eventId: delivery.event.id, error: String(hookError) },
        'the give-up hook failed; the event stays queued and is given up again later',
      );
      if (afterFailedRun) await this.#recordFailure(delivery);
      delivery.lease?.release();
      delivery.msg.nak(redeliveryDelay(this.#context.options.redeliveryDelayMs, delivery.attempt));
      return;
    }
    await this.#finish(delivery);
  }

  /** Record a failed run, so the next delivery counts it against `maxDeliver`, not as an interruption. */
  async #recordFailure(delivery: Delivery): Promise<void> {
    try {
      await this.#context.ledger.addFailure(delivery.event.id);
      delivery.inLedger = true;
    } catch (error) {
      this.#context.logger.warn(
        { eventId: delivery.event.id, error: String(error) },
        'could not record a failed run; it will count as an interruption',
      );
    }
  }

  /** Hand the delivery back unrun: recorded first, so the next delivery does not count it as an attempt. */
  async #release(delivery: Delivery, delayMs: number): Promise<void> {
    delivery.lease?.release();
    try {
      await this.#context.ledger.add(delivery.event.id);
      delivery.inLedger = true;
    } catch (error) {
      this.#context.logger.warn(
        { eventId: delivery.event.id, error: String(error) },
        'could not record a handed-back delivery; it will count as an attempt',
      );
    }
    delivery.msg.nak(delayMs);
  }

  #leaseLost(delivery: Delivery): void {
    this.#context.logger.warn(
      { eventId: delivery.event.id },
      'lost the lease of an event (NATS unreachable)',
    );
    this.#parking.unpark(delivery);
    this.#running.get(delivery)?.abort(new LeaseLostError());
  }

  #track(promise: Promise<void>): void {
    const tracked = promise.catch((error: unknown) => {
      this.#context.logger.error({ error: String(error) }, 'settling an inbound event failed');
    });
    this.#settling.add(tracked);
    void tracked.finally(() => this.#settling.delete(tracked));
  }
}
