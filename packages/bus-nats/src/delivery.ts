import type { JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { InboundEvent, Logger } from '@switchboard/core';
import type { Lease } from './leases';
import type { ReleaseLedger } from './releases';

/** One delivery of an inbound event that a worker holds: waiting for its turn, or running. */
export interface Delivery {
  readonly msg: JsMsg;
  readonly event: InboundEvent;
  /** The lane (hashed ordering key) the event belongs to: the last token of its subject. */
  readonly lane: string;
  /** Its stream sequence: the position in its lane. */
  readonly seq: number;
  /** Deliveries that could have run the handler, this one included. */
  readonly attempt: number;
  /** Earlier runs whose handler rejected. */
  readonly failures: number;
  /** Earlier runs whose worker vanished without an answer (see {@link attemptOf}). */
  readonly interruptions: number;
  /** Whether the ledger holds an entry for it (to forget once it leaves the queue). */
  inLedger: boolean;
  lease: Lease | undefined;
}

/** The event of `msg`, or undefined when the payload is not an event (logged; the message is dropped). */
export function readEvent(msg: JsMsg, logger: Logger): InboundEvent | undefined {
  try {
    const event = msg.json<InboundEvent>();
    if (typeof event === 'object' && event !== null && typeof event.id === 'string') return event;
  } catch {
    // Reported below.
  }
  logger.error({ subject: msg.subject, seq: msg.seq }, 'an inbound message is not an event; dropped');
  return undefined;
}

/** The lane token of an inbound subject (`<prefix>.inbound.<lane>`). */
export function laneOfSubject(subject: string): string {
  return subject.slice(subject.lastIndexOf('.') + 1);
}

/** How many times an event was tried before a delivery, as {@link attemptOf} works it out. */
export interface AttemptCount {
  /** Deliveries that could have run the handler, this one included. */
  readonly attempt: number;
  /** Earlier runs whose handler rejected. */
  readonly failures: number;
  /** Earlier runs that ended with neither an answer nor a failure: their worker vanished. */
  readonly interruptions: number;
  /** Whether the ledger holds an entry for the event (to forget once it leaves the queue). */
  readonly inLedger: boolean;
}

/**
 * The attempt number of a fresh delivery: JetStream's delivery count, less the deliveries workers
 * handed back unrun; and of the earlier attempts, how many failed and how many were interrupted. The
 * ledger is only asked on redeliveries; if it cannot answer, every earlier delivery counts as an
 * interruption (the event may then be given up early, never retried forever).
 */
export async function attemptOf(
  msg: JsMsg,
  eventId: string,
  ledger: ReleaseLedger,
  logger: Logger,
): Promise<AttemptCount> {
  const deliveries = msg.info.deliveryCount;
  if (deliveries <= 1) return { attempt: 1, failures: 0, interruptions: 0, inLedger: false };
  try {
    const { released, failed } = await ledger.read(eventId);
    const attempt = Math.max(1, deliveries - released);
    const failures = Math.min(failed, attempt - 1);
    return {
      attempt,
      failures,
      interruptions: attempt - 1 - failures,
      inLedger: released > 0 || failed > 0,
    };
  } catch (error) {
    logger.warn(
      { eventId, error },
      'could not read how often the event was handed back; counting every delivery',
    );
    return { attempt: deliveries, failures: 0, interruptions: deliveries - 1, inLedger: false };
  }
}

/**
 * Ack and wait for the server to confirm it. True once the event has left the stream. When the
 * confirmation does not come (connection trouble), the stream is asked whether the event is still
 * there; a JetStream message can be acked only once, so an ack that was lost leaves the event to be
 * redelivered after the ack wait, and the handler's durable state makes that repeat harmless.
 */
export async function confirmAck(
  delivery: Delivery,
  jsm: JetStreamManager,
  stream: string,
  timeoutMs: number,
): Promise<boolean> {
  try {
    await delivery.msg.ackAck({ timeout: timeoutMs });
    return true;
  } catch {
    try {
      return (await jsm.streams.getMessage(stream, { seq: delivery.seq })) === null;
    } catch {
      return false;
    }
  }
}
