import type { DeliveryEngine } from '@switchboard/chat';
import type { Bus, ChatAdapter, EventSink, InboundEvent, Logger, Unsubscribe } from '@switchboard/core';
import { BusyError } from '@switchboard/core';

/** Connects platform adapters to the bus, and the bus's reply parts to the delivery engine. */
export interface Gateway {
  stop(): Promise<void>;
}

/**
 * Start every adapter with a sink that opens the request's delivery before enqueueing (so no reply part
 * can arrive first), stamps the gateway id, and answers "busy" itself when the queue is full.
 */
export async function startGateway(options: {
  readonly id: string;
  readonly bus: Bus;
  readonly adapters: readonly ChatAdapter[];
  readonly delivery: DeliveryEngine;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}): Promise<Gateway> {
  const { bus, delivery, logger } = options;
  const stopReplies: Unsubscribe = bus.onReplies(options.id, (requestId, part) =>
    delivery.accept(requestId, part),
  );
  const sink: EventSink = async (event: InboundEvent) => {
    delivery.open(event.id, event.reply);
    const result = await bus.enqueue({ ...event, gateway: options.id });
    if (result.status === 'duplicate') {
      delivery.discard(event.id);
      logger.info({ eventId: event.id }, 'duplicate event dropped');
    } else if (result.status === 'busy') {
      const busy = new BusyError(result.retryAfterMs);
      await delivery.accept(event.id, { type: 'error', code: busy.code, message: busy.message });
      logger.warn({ eventId: event.id }, 'queue full: answered busy');
    }
    return result;
  };
  for (const adapter of options.adapters) await adapter.start(sink, options.signal);
  return {
    async stop() {
      await delivery.close();
      stopReplies();
      for (const adapter of options.adapters) await adapter.stop();
    },
  };
}
