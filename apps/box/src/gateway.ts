import { randomUUID } from 'node:crypto';
import type { DeliveryEngine } from '@switchboard/chat';
import { SHUTTING_DOWN } from '@switchboard/chat';
import {
  type Bus,
  BusyError,
  type ChatAdapter,
  deadlineSignal,
  describeError,
  describeErrorBriefly,
  type EventSink,
  type InboundEvent,
  type InboxStamp,
  type Logger,
  type ReplyPart,
  type SentMessage,
  type SinkResult,
  SwitchboardError,
  type Unsubscribe,
} from '@switchboard/core';
import type { Lease } from '@switchboard/memory';
import { type GatewayInbox, recordInInbox } from './inbox';
import { settleBy } from './lifecycle/teardown';

/** How long recovery waits for a platform to list a conversation's messages. */
const UNRECORDED_TIMEOUT_MS = 10_000;
/** How often a recovered request is offered to a full queue before it ends `failed` ("busy"). */
const RESUME_ATTEMPTS = 20;

/** Connects platform adapters to the bus, and the bus's reply parts to the delivery engine. */
export interface Gateway {
  /**
   * Start every adapter at once. Rejects with one error naming every platform that refused the box
   * (a rejected token); a platform that cannot be reached retries in the background instead.
   */
  start(): Promise<void>;
  /** Answer every new event "the box is shutting down" (adapters keep delivering running replies). */
  refuseNewWork(): void;
  /** Resolves once every accepted request's reply has been delivered, or at `deadline`; true when all were. */
  drained(deadline: number): Promise<boolean>;
  /** End open replies, then stop every adapter; those still stopping at `deadline` are abandoned (and named). */
  stop(deadline: number): Promise<string[]>;
  /**
   * Run a recovered request again: its delivery continues in the messages already posted (`sent`),
   * and the event, stamped with `stamp`, goes to the bus. When the bus still holds the event (a
   * `duplicate`: NATS redelivers a dead worker's events by itself), it is left to that delivery.
   * `requeue` queues it under a fresh dedupe key instead: the bus acknowledged the event when its task
   * went on in the background, so nothing would deliver it again (ADR 0055).
   */
  resume(
    event: InboundEvent,
    sent: readonly SentMessage[],
    stamp: InboxStamp,
    options?: { readonly requeue?: boolean },
  ): Promise<void>;
  /**
   * Take an event the box makes itself (a schedule's run) as a platform's would be taken: recorded in
   * the inbox, its delivery opened at its reply address, then enqueued.
   */
  submit(event: InboundEvent): Promise<void>;
  /** Deliver a stored final reply that never reached the platform, editing the messages already posted. */
  redeliver(event: InboundEvent, sent: readonly SentMessage[], reply: ReplyPart): void;
  /**
   * The messages the platform shows for `event`'s reply that neither `known` nor `others` (ids recorded
   * for other requests of the conversation) hold (ADR 0049), from the adapter
   * that can read its conversations back; none from the others, or when the platform cannot be asked.
   */
  unrecorded(
    event: InboundEvent,
    known: readonly SentMessage[],
    others: readonly string[],
  ): Promise<readonly SentMessage[]>;
}

/** What the gateway needs. */
export interface GatewayOptions {
  readonly id: string;
  readonly bus: Bus;
  readonly adapters: readonly ChatAdapter[];
  readonly delivery: DeliveryEngine;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** How long a platform should wait before offering an event again while the box shuts down. */
  readonly retryAfterShutdownMs: number;
  /**
   * The inbox: events are recorded with their task (under `lease`) before the platform is told they
   * arrived. Without it, events go straight to the bus.
   */
  readonly inbox?: {
    readonly store: GatewayInbox;
    readonly lease: Lease;
    /** `queued` when workers of other processes take events (NATS); default `running` (this process's). */
    readonly taskStatus?: 'running' | 'queued';
  };
}

/**
 * The sink adapters call opens the request's delivery before enqueueing (so no reply part can arrive
 * first), stamps the gateway id, and answers "busy" itself when the queue is full or the box is
 * shutting down. Accepted requests are counted until their reply is delivered, so a shutdown can wait
 * for them.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const { bus, delivery, logger } = options;
  const inFlight = new Set<Promise<void>>();
  let refusing = false;
  let stopReplies: Unsubscribe | undefined;

  const refuse = async (event: InboundEvent, part: ReplyPart, retryAfterMs: number) => {
    await delivery.accept(event.id, part);
    return { status: 'busy' as const, retryAfterMs };
  };

  const track = (eventId: string) => {
    const delivered = delivery.settled(eventId).finally(() => inFlight.delete(delivered));
    inFlight.add(delivered);
  };

  const enqueue = async (event: InboundEvent): Promise<SinkResult> => {
    const result = await bus.enqueue({ ...event, gateway: options.id });
    if (result.status === 'accepted') {
      track(event.id);
    } else if (result.status === 'duplicate') {
      delivery.discard(event.id);
      logger.info({ eventId: event.id }, 'duplicate event dropped');
    } else if (result.status === 'busy') {
      if (event.inbox !== undefined && event.inbox.recovered !== true)
        await options.inbox?.store.forgetInbound(event.id);
      const busy = new BusyError(result.retryAfterMs);
      logger.warn({ eventId: event.id }, 'queue full: answered busy');
      return refuse(event, { type: 'error', code: busy.code, message: busy.message }, result.retryAfterMs);
    }
    return result;
  };

  const sink: EventSink = async (event: InboundEvent) => {
    if (refusing) {
      delivery.open(event.id, event.reply);
      logger.info({ eventId: event.id }, 'shutting down: event refused');
      return refuse(event, SHUTTING_DOWN, options.retryAfterShutdownMs);
    }
    const inbox = options.inbox;
    if (inbox === undefined || event.kind === 'action') {
      delivery.open(event.id, event.reply);
      return enqueue(event);
    }
    let recorded: Awaited<ReturnType<typeof recordInInbox>>;
    try {
      recorded = await recordInInbox(inbox.store, inbox.lease, event, inbox.taskStatus);
    } catch (error) {
      // The adapter logs what the sink rejects with: a database error would quote the event's text.
      throw new SwitchboardError(
        'database_unavailable',
        `The box could not record the event in its database (${describeErrorBriefly(error)}); the platform should deliver it again.`,
        { cause: error },
      );
    }
    if (recorded.status === 'duplicate') {
      if (recorded.attach === undefined) {
        logger.info({ eventId: event.id }, 'duplicate event: its task answers (or answered) it');
        return { status: 'duplicate' };
      }
      delivery.open(event.id, event.reply);
      if (recorded.attach.reply !== undefined) delivery.accept(event.id, recorded.attach.reply);
      track(event.id);
      logger.info({ eventId: event.id }, 'repeated request attached to its task');
      return { status: 'accepted' };
    }
    delivery.open(event.id, event.reply);
    return enqueue({ ...event, inbox: recorded.stamp });
  };

  return {
    async start() {
      stopReplies = bus.onReplies(options.id, (requestId, part) => delivery.accept(requestId, part));
      const outcomes = await Promise.allSettled(
        options.adapters.map((adapter) => adapter.start(sink, options.signal)),
      );
      const refusals = outcomes.flatMap((outcome) =>
        outcome.status === 'rejected' ? [describeError(outcome.reason)] : [],
      );
      if (refusals.length > 0) {
        throw new SwitchboardError('platform_refused', refusals.join(' '), {
          cause: outcomes.find((outcome) => outcome.status === 'rejected'),
        });
      }
    },

    refuseNewWork() {
      refusing = true;
    },

    async drained(deadline) {
      while (inFlight.size > 0) {
        if (!(await settleBy(Promise.all([...inFlight]), deadline))) return false;
      }
      return true;
    },

    async submit(event) {
      await sink(event);
    },
    async resume(event, sent, stamp, resumeOptions = {}) {
      const stamped = { ...event, inbox: stamp };
      const enqueueOptions = resumeOptions.requeue ? { dedupeKey: `${event.id}#resume-${randomUUID()}` } : {};
      for (let attempt = 1; ; attempt += 1) {
        delivery.open(event.id, event.reply, { sent });
        const result = await bus.enqueue({ ...stamped, gateway: options.id }, enqueueOptions);
        if (result.status === 'accepted') return track(event.id);
        if (result.status === 'duplicate') {
          // The bus still holds the event (NATS redelivers a dead worker's events itself): the task,
          // now `queued`, is claimed by the worker that gets it, whose reply this delivery carries.
          logger.info({ eventId: event.id }, 'a recovered request is still queued on the bus; left to it');
          return track(event.id);
        }
        if (result.status !== 'busy' || attempt >= RESUME_ATTEMPTS || refusing) {
          logger.warn(
            { eventId: event.id, status: result.status },
            'a recovered request could not be queued',
          );
          const part: ReplyPart = {
            type: 'error',
            code: 'busy',
            message:
              'The box restarted while this was waiting and is too busy to take it up again. Please ask again in a minute.',
          };
          await options.inbox?.store.finishTask(stamp.taskId, {
            status: 'failed',
            reply: part,
            owesDelivery: stamp.outbox,
          });
          await delivery.accept(event.id, part);
          return track(event.id);
        }
        delivery.discard(event.id);
        await new Promise((resolve) => setTimeout(resolve, Math.max(100, result.retryAfterMs)));
      }
    },

    async unrecorded(event, known, others) {
      const adapter = options.adapters.find((candidate) => candidate.platform === event.reply.platform);
      if (adapter?.unrecorded === undefined) return [];
      const deadline = deadlineSignal(options.signal, UNRECORDED_TIMEOUT_MS);
      try {
        return await adapter.unrecorded(
          { to: event.reply, known, others, since: new Date(event.receivedAt) },
          deadline.signal,
        );
      } catch (error) {
        logger.warn(
          { eventId: event.id, err: describeErrorBriefly(error) },
          'could not read the conversation back for messages a crash left unrecorded',
        );
        return [];
      } finally {
        deadline.dispose();
      }
    },

    redeliver(event, sent, reply) {
      delivery.open(event.id, event.reply, { sent });
      void delivery.accept(event.id, reply);
      track(event.id);
    },

    async stop(deadline) {
      refusing = true;
      if (!(await settleBy(delivery.close(), deadline)))
        logger.warn('replies still being delivered at the end of the grace period; abandoned');
      stopReplies?.();
      const abandoned: string[] = [];
      await Promise.all(
        options.adapters.map(async (adapter) => {
          if (await settleBy(adapter.stop(), deadline)) return;
          abandoned.push(adapter.platform);
          logger.warn(
            { platform: adapter.platform },
            `${adapter.platform} did not stop within the shutdown grace period; abandoned`,
          );
        }),
      );
      return abandoned;
    },
  };
}
