import type { Bus, EnqueueOptions, EnqueueResult, InboundEvent } from '@switchboard/core';
import { ControlBroadcast } from './control-broadcast';
import { BusClosedError } from './errors';
import { type MemoryBusOptions, resolveOptions } from './options';
import { RecentIds } from './recent-ids';
import { ReplyRouter } from './reply-router';
import { settleWithin, WorkQueue } from './work-queue';

/**
 * A {@link Bus} inside one process: the default for a single box. It keeps every guarantee of the
 * contract suite (`@switchboard/bus/contract`) except durability across restarts — events still waiting
 * when the process stops are lost, and the dedupe memory starts empty.
 *
 * - `enqueue` answers `duplicate` for an id seen within the last `dedupeWindow` accepted ids (processed
 *   or not), `busy` when `queueLimit` events are waiting or in flight (the id is then not remembered, so
 *   the same event can be retried later), and `accepted` otherwise. It rejects with
 *   {@link BusClosedError} after `close()`.
 * - `work` subscriptions compete for events; each runs at most `concurrency` handlers at once. Events of
 *   one `orderingKey` run one at a time in enqueue order; a rejected handler gets the same event again
 *   (attempt + 1, after `redeliveryDelayMs` doubling each time) before anything behind it, up to
 *   `maxAttempts` deliveries, then `onDeadLetter` is called and the event is dropped.
 * - Reply parts reach the owner's handler in publish order per request; parts for an owner without a
 *   handler are dropped. `publishReply` resolves once the owner's handler has settled for that part
 *   (backpressure), and never rejects because of the handler. `publishControl` resolves once every
 *   control handler has been called.
 * - `close()` stops deliveries, aborts every running job's signal and resolves once the handlers and
 *   the reply deliveries have settled, or after `closeTimeoutMs`.
 */
export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  const settings = resolveOptions(options);
  const recent = new RecentIds(settings.dedupeWindow);
  const queue = new WorkQueue({
    maxAttempts: settings.maxAttempts,
    redeliveryDelayMs: settings.redeliveryDelayMs,
    onDeadLetter: (event, error) => {
      try {
        settings.onDeadLetter?.(event, error);
      } catch (callbackError) {
        settings.onHandlerError(callbackError, { source: 'dead-letter', eventId: event.id });
      }
    },
  });
  const replies = new ReplyRouter(settings.onHandlerError);
  const control = new ControlBroadcast(settings.onHandlerError);
  let closing: Promise<void> | undefined;

  return {
    async enqueue(event: InboundEvent, enqueueOptions?: EnqueueOptions): Promise<EnqueueResult> {
      if (closing !== undefined) throw new BusClosedError();
      const key = enqueueOptions?.dedupeKey ?? event.id;
      const held = enqueueOptions?.dedupeKey === undefined && queue.holds(event.id);
      if (recent.has(key) || held) return { status: 'duplicate' };
      const full = queue.size >= settings.queueLimit;
      if (full) return { status: 'busy', retryAfterMs: settings.busyRetryAfterMs };
      recent.add(key);
      queue.push(event);
      return { status: 'accepted' };
    },
    work: (handle, workOptions) => queue.subscribe(handle, workOptions),
    publishReply: (requestId, owner, part) => replies.publish(requestId, owner, part),
    onReplies: (owner, handle) => replies.subscribe(owner, handle),
    publishControl: (message) => control.publish(message),
    onControl: (handle) => control.subscribe(handle),
    close() {
      closing ??= (async () => {
        const deadline = Date.now() + settings.closeTimeoutMs;
        // Aborted handlers may still publish a last reply part; deliver those before closing the replies.
        await queue.close(settings.closeTimeoutMs);
        await settleWithin([replies.drained()], Math.max(0, deadline - Date.now()));
        replies.close();
        control.close();
      })();
      return closing;
    },
  };
}
