import type { ReplyAddress, ReplyPart } from '@switchboard/core';
import { sleep } from '@switchboard/core';
import { NO_JOURNAL } from './context';
import { DEFAULT_RETRY } from './retry';
import { DeliverySession } from './session';
import type {
  DeliveryEngine,
  DeliveryLogger,
  DeliveryOptions,
  DeliveryResume,
  DeliverySettings,
} from './types';

/** The part that ends every still-open reply when the engine closes. */
export const SHUTTING_DOWN: ReplyPart = {
  type: 'error',
  code: 'shutting_down',
  message: 'The box is shutting down; ask again once it is back.',
};

const silent: DeliveryLogger = { debug() {}, warn() {}, error() {} };

/** Fill in every default of {@link DeliveryOptions}. */
export function deliverySettings(options: Omit<DeliveryOptions, 'adapterFor' | 'logger'>): DeliverySettings {
  return {
    placeholderText: options.placeholderText ?? '…',
    typingIntervalMs: options.typingIntervalMs ?? 4000,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    closeTimeoutMs: options.closeTimeoutMs ?? 10_000,
    onRetry: options.onRetry ?? (() => {}),
  };
}

/**
 * The delivery engine: one {@link DeliverySession} per request, each with its own loop, so requests never
 * wait on each other's platform calls. See `DeliveryEngine` for the contract and the package README for
 * how replies look on each kind of platform.
 */
export function createDeliveryEngine(options: DeliveryOptions): DeliveryEngine {
  const logger = options.logger ?? silent;
  const settings = deliverySettings(options);
  const sessions = new Map<string, DeliverySession>();
  let closing = false;

  return {
    open(requestId: string, address: ReplyAddress, resume?: DeliveryResume): void {
      if (closing) {
        logger.warn({ requestId }, 'delivery engine is closing; request not opened');
        return;
      }
      const existing = sessions.get(requestId);
      if (existing !== undefined) {
        existing.reopen();
        return;
      }
      const adapter = options.adapterFor(address.platform);
      if (adapter === undefined) {
        logger.warn(
          { requestId, platform: address.platform },
          'no adapter serves this platform; the reply will be dropped',
        );
      }
      const session: DeliverySession = new DeliverySession({
        requestId,
        address,
        adapter,
        settings,
        logger,
        journal: options.journal ?? NO_JOURNAL,
        resumed: resume?.sent ?? [],
        onFinished: () => {
          if (sessions.get(requestId) === session) sessions.delete(requestId);
        },
      });
      sessions.set(requestId, session);
    },

    accept(requestId: string, part: ReplyPart): Promise<void> {
      const session = sessions.get(requestId);
      if (session === undefined)
        logger.warn({ requestId, part: part.type }, 'reply part for an unknown request dropped');
      else if (!session.receive(part))
        logger.warn({ requestId, part: part.type }, 'reply part after the end of the reply dropped');
      return Promise.resolve();
    },

    discard(requestId: string): void {
      sessions.get(requestId)?.release();
    },

    async settled(requestId?: string): Promise<void> {
      if (requestId !== undefined) return sessions.get(requestId)?.done;
      await Promise.all(
        [...sessions.values()].filter((session) => session.started).map((session) => session.done),
      );
    },

    async close(): Promise<void> {
      closing = true;
      const open = [...sessions.values()];
      for (const session of open) if (!session.ended) session.receive(SHUTTING_DOWN);
      const all = Promise.all(open.map((session) => session.done));
      const timer = new AbortController();
      await Promise.race([all, sleep(settings.closeTimeoutMs, timer.signal).catch(() => undefined)]);
      timer.abort();
      const unfinished = [...sessions.values()];
      if (unfinished.length > 0) {
        logger.warn({ count: unfinished.length }, 'deliveries still running at close; aborting them');
        for (const session of unfinished) session.abort(new Error('delivery engine closed'));
        await Promise.all(unfinished.map((session) => session.done));
      }
    },
  };
}
