import type { DeliveryJournal } from '@switchboard/chat';
import { describeErrorBriefly, type Logger, type SentMessage } from '@switchboard/core';
import type { DeliveryRecordStore } from '@switchboard/memory';

/** The outbox journal, with a way to wait for what it is writing. */
export interface OutboxJournal extends DeliveryJournal {
  /** Resolves when every record handed to it so far is written (or failed, logged). */
  flush(): Promise<void>;
}

/** Web replies live in one HTTP response: a retry with the Idempotency-Key replaces the outbox. */
const isWeb = (requestId: string) => requestId.startsWith('web:');

/**
 * The delivery engine's journal over the store (ADR 0031). Each request has its own queue of writes, so
 * a slow write for one never delays another's: the messages a reply shows are written as soon as they
 * are posted (only the newest list when several wait), then the delivery mark. The window in which a
 * crash forgets a posted message is one database write.
 */
export function createOutboxJournal(store: DeliveryRecordStore, logger: Logger): OutboxJournal {
  const queues = new Map<string, Promise<void>>();
  const latest = new Map<string, readonly SentMessage[]>();

  const enqueue = (requestId: string, write: () => Promise<void>) => {
    const previous = queues.get(requestId) ?? Promise.resolve();
    const next = previous.then(write);
    queues.set(requestId, next);
    void next.finally(() => {
      if (queues.get(requestId) === next) queues.delete(requestId);
    });
  };

  const writeSent = (requestId: string) => async () => {
    const messages = latest.get(requestId);
    if (messages === undefined) return;
    latest.delete(requestId);
    try {
      await store.recordSent(requestId, messages);
    } catch (error) {
      logger.warn(
        { requestId, err: describeErrorBriefly(error) },
        'could not record the messages of a reply',
      );
    }
  };

  const writeDelivered = (requestId: string) => async () => {
    try {
      await store.markDelivered([requestId]);
    } catch (error) {
      logger.warn({ requestId, err: describeErrorBriefly(error) }, 'could not mark a reply delivered');
    }
  };

  return {
    sent(requestId, messages) {
      if (isWeb(requestId)) return;
      const waiting = latest.has(requestId);
      latest.set(requestId, messages);
      if (!waiting) enqueue(requestId, writeSent(requestId));
    },
    delivered(requestId) {
      if (isWeb(requestId)) return;
      enqueue(requestId, writeDelivered(requestId));
    },
    async flush() {
      await Promise.all([...queues.values()]);
    },
  };
}
