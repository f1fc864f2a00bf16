import { type Bus, isFinalPart } from '@switchboard/core';
import type { BoxMetrics } from './box-metrics';

/**
 * The same bus, counted: events offered and their result, redeliveries, events being handled, final parts
 * published by workers (model, tokens, cost, timings) and final parts reaching the gateway.
 */
export function instrumentBus(bus: Bus, metrics: BoxMetrics): Bus {
  return {
    async enqueue(event, options) {
      const result = await bus.enqueue(event, options);
      metrics.enqueued(event, result);
      return result;
    },
    work(handle, options) {
      return bus.work(async (event, job) => {
        const done = metrics.handling(job.attempt);
        try {
          await handle(event, job);
        } finally {
          done();
        }
      }, options);
    },
    async publishReply(requestId, owner, part) {
      await bus.publishReply(requestId, owner, part);
      metrics.published(part);
    },
    onReplies(owner, handle) {
      return bus.onReplies(owner, async (requestId, part) => {
        if (isFinalPart(part)) metrics.delivered();
        await handle(requestId, part);
      });
    },
    publishControl: (message) => bus.publishControl(message),
    onControl: (handle) => bus.onControl(handle),
    close: () => bus.close(),
  };
}
