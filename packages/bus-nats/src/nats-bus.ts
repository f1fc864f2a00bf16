import { type Consumer, jetstream } from '@nats-io/jetstream';
import { type Bus, BusClosedError, createLogger, type Unsubscribe } from '@switchboard/core';
import { openConnection } from './connection';
import { ControlChannel } from './control';
import { publishEvent } from './enqueue';
import { replyOnGiveUp } from './give-up';
import { Lanes } from './lanes';
import { LeaseKeeper } from './leases';
import { busNames } from './names';
import { type NatsBusOptions, resolveOptions } from './options';
import { ReleaseLedger } from './releases';
import { ReplyPublisher } from './reply-publisher';
import { ReplySubscription } from './reply-subscription';
import {
  ensureConsumer,
  ensureStream,
  inboundStreamConfig,
  openReleasesBucket,
  repliesStreamConfig,
  workersConsumerConfig,
} from './setup';
import { settleWithin, waitForReplies } from './shutdown';
import { TurnBatch } from './turn-batch';
import { type WorkContext, WorkSubscription } from './work-subscription';

/**
 * A {@link Bus} over NATS JetStream, for a gateway and any number of workers on several machines.
 * Connects, creates (or updates) its streams, consumer and bucket, and resolves once it can work;
 * rejects with a {@link NatsBusError} naming `NATS_URL` when the server cannot be reached or has no
 * JetStream. It keeps every guarantee of the contract suite (`@switchboard/bus/contract`), durably:
 *
 * - `enqueue` stores the event on its lane's subject with `Nats-Msg-Id` = `event.id` (`duplicate`
 *   within `duplicateWindowMs`), answers `busy` when `queueLimit` events are held, and rejects with
 *   `BusClosedError` after `close()`, or `bus_unavailable` when NATS does not answer.
 * - `work` subscriptions, in this process and others, share one durable consumer. Only the head of a
 *   lane (the oldest stored event of one ordering key) runs, so order holds per key across workers and
 *   redeliveries, while different keys run in parallel. A resolved handler acks its event; a rejected
 *   one is redelivered after a growing delay; after `maxDeliver` attempts `onGiveUp` is called. A
 *   worker that dies loses its events to others after `ackWaitMs`; live handlers renew their lease.
 * - Reply parts are stored per owner and delivered to that owner's `onReplies` handler in order per
 *   request, acked once the handler settled; a restarted gateway with the same id gets what is pending.
 *   `publishReply` resolves once the part is stored.
 * - Control messages are broadcast over core NATS to every connected bus (at most once).
 * - `close()` stops taking work, hands waiting events back, aborts running jobs, waits (up to
 *   `closeTimeoutMs`) for their handlers and for reply parts to reach this process's own reply
 *   handlers, then drains the connection.
 */
export async function createNatsBus(options: NatsBusOptions): Promise<Bus> {
  const settings = resolveOptions(options);
  const logger = options.logger ?? createLogger({ level: 'info', name: 'bus-nats' });
  const names = busNames(settings.prefix);
  const { nc, jsm } = await openConnection({ ...settings, logger });
  const js = jetstream(nc, { timeout: settings.requestTimeoutMs });
  let ledger: ReleaseLedger;
  let consumer: Consumer;
  try {
    await ensureStream(jsm, inboundStreamConfig(names, settings), settings.url);
    await ensureStream(jsm, repliesStreamConfig(names, settings), settings.url);
    await ensureConsumer(jsm, names.inboundStream, workersConsumerConfig(names, settings), settings.url);
    ledger = new ReleaseLedger(await openReleasesBucket(nc, names, settings));
    consumer = await js.consumers.get(names.inboundStream, names.workersConsumer);
  } catch (error) {
    await nc.close().catch(() => {});
    throw error;
  }
  const leases = new LeaseKeeper(nc, settings.ackWaitMs, logger);
  const publisher = new ReplyPublisher(js, names, settings, logger);
  const eventBatch = new TurnBatch();
  const control = new ControlChannel(nc, names.controlSubject, logger);
  const workers = new Set<WorkSubscription>();
  const replies = new Map<string, ReplySubscription>();
  const stoppedReplies = new Set<ReplySubscription>();
  const controlSubscriptions = new Set<Unsubscribe>();
  let closing: Promise<void> | undefined;
  let closed = false;

  const bus: Bus = {
    async enqueue(event, enqueueOptions) {
      if (closing !== undefined) throw new BusClosedError();
      return publishEvent(js, names, settings, event, eventBatch, enqueueOptions?.dedupeKey ?? event.id);
    },

    work(handle, workOptions) {
      if (!Number.isInteger(workOptions.concurrency) || workOptions.concurrency < 1) {
        throw new RangeError(
          `The bus option concurrency must be a whole number of at least 1, got ${workOptions.concurrency}.`,
        );
      }
      if (closing !== undefined) return () => {};
      const subscription = new WorkSubscription(context, handle, workOptions.concurrency);
      workers.add(subscription);
      return () => {
        subscription.stop();
        void subscription.settled().then(() => {
          if (closing === undefined) workers.delete(subscription);
        });
      };
    },

    async publishReply(requestId, owner, part) {
      if (closed) {
        logger.warn({ requestId, part: part.type }, 'reply part published after the bus closed; dropped');
        return;
      }
      await publisher.publish(requestId, owner, part);
    },

    onReplies(owner, handle) {
      if (closing !== undefined) return () => {};
      if (replies.has(owner)) {
        throw new Error(
          `A reply handler for the owner "${owner}" is already registered; owner ids must be unique.`,
        );
      }
      const subscription = new ReplySubscription(
        { js, jsm, names, leases, options: settings, logger },
        owner,
        handle,
      );
      replies.set(owner, subscription);
      return () => {
        if (replies.get(owner) !== subscription) return;
        replies.delete(owner);
        subscription.stop();
        stoppedReplies.add(subscription);
        void subscription.settled().then(() => {
          if (closing === undefined) stoppedReplies.delete(subscription);
        });
      };
    },

    async publishControl(message) {
      if (closed) return;
      await control.publish(message);
    },

    onControl(handle) {
      if (closing !== undefined) return () => {};
      const unsubscribe = control.subscribe(handle);
      controlSubscriptions.add(unsubscribe);
      return () => {
        controlSubscriptions.delete(unsubscribe);
        unsubscribe();
      };
    },

    close() {
      closing ??= (async () => {
        const deadline = Date.now() + settings.closeTimeoutMs;
        const remaining = () => Math.max(0, deadline - Date.now());
        for (const worker of workers) worker.stop();
        for (const worker of workers) worker.abortRunning(new BusClosedError());
        await settleWithin(
          [...workers].map((worker) => worker.settled()),
          remaining(),
        );
        await settleWithin([publisher.drained()], remaining());
        // In a process that is gateway and worker at once, the last parts go out before its replies stop.
        await waitForReplies(jsm, names, [...replies.keys()], remaining());
        const replySubscriptions = [...replies.values(), ...stoppedReplies];
        for (const subscription of replySubscriptions) subscription.stop();
        await settleWithin(
          replySubscriptions.map((subscription) => subscription.settled()),
          remaining(),
        );
        for (const unsubscribe of controlSubscriptions) unsubscribe();
        leases.stop();
        closed = true;
        await settleWithin([nc.drain()], Math.max(remaining(), 1000));
        if (!nc.isClosed()) await nc.close().catch(() => {});
      })();
      return closing;
    },
  };

  const context: WorkContext = {
    consumer,
    jsm,
    names,
    lanes: new Lanes(nc, jsm, names, logger),
    leases,
    ledger,
    options: settings,
    logger,
    giveUp: async (event, giveUp) => {
      await (options.onGiveUp ?? replyOnGiveUp(bus, logger))(event, giveUp);
    },
    closing: () => closing !== undefined,
  };
  return bus;
}
