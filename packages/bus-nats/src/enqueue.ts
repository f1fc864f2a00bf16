import { JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream';
import { type EnqueueResult, type InboundEvent, orderingKey } from '@switchboard/core';
import { reasonOf } from './connection';
import { NatsBusError } from './errors';
import { type BusNames, laneToken, messageId, redactServers } from './names';
import type { ResolvedNatsBusOptions } from './options';
import type { TurnBatch } from './turn-batch';

/**
 * Publish `event` to its lane's subject with `Nats-Msg-Id` = `dedupeKey` (`event.id` unless recovery queues
 * it again; hashed if it is no plain header value). JetStream answers
 * `duplicate` for an id within its duplicate window; a full stream (discard new) refuses with
 * "maximum messages/bytes exceeded", which is `busy` (and the id is not remembered). Publishing is
 * retried with the same id until `requestTimeoutMs` has passed; a repeat that JetStream calls a
 * duplicate then means the first try was stored, so it counts as `accepted`.
 */
export async function publishEvent(
  js: JetStreamClient,
  names: BusNames,
  options: ResolvedNatsBusOptions,
  event: InboundEvent,
  batch: TurnBatch,
  dedupeKey: string,
): Promise<EnqueueResult> {
  const subject = names.inboundSubject(laneToken(orderingKey(event)));
  const payload = JSON.stringify(event);
  const deadline = Date.now() + options.requestTimeoutMs;
  for (let tries = 1; ; tries += 1) {
    try {
      const ack = await batch.run(() =>
        js.publish(subject, payload, {
          msgID: messageId(dedupeKey),
          timeout: Math.max(100, deadline - Date.now()),
        }),
      );
      return ack.duplicate && tries === 1 ? { status: 'duplicate' } : { status: 'accepted' };
    } catch (error) {
      if (isQueueFull(error)) return { status: 'busy', retryAfterMs: options.busyRetryAfterMs };
      if (Date.now() >= deadline - 50 || error instanceof JetStreamApiError) {
        throw new NatsBusError(
          'bus_unavailable',
          `The event was not queued: NATS at ${redactServers(options.url)} did not take it (${reasonOf(error, options.url)}). It can be sent again once NATS is reachable.`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** tries, 1000)));
    }
  }
}

/** True for JetStream's refusals of a stream at its limits (messages, bytes, or the account's storage). */
export function isQueueFull(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    /maximum (messages|bytes)|insufficient resources|resource limits exceeded/i.test(error.message)
  );
}
