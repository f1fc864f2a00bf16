import type { Logger } from '@switchboard/core';
import type { PrivacyStore } from '@switchboard/memory';

/** How often retention runs. */
export const RETENTION_INTERVAL_MS = 60 * 60_000;

/**
 * `MEMORY_RETENTION_DAYS`: delete turns older than that many days now and every hour after; returns the
 * stop function (nothing runs when `days` is 0).
 */
export function startRetention(
  store: Pick<PrivacyStore, 'pruneBefore'>,
  days: number,
  logger: Logger,
  now: () => number = Date.now,
): () => void {
  if (days <= 0) return () => {};
  const prune = async () => {
    try {
      const deleted = await store.pruneBefore(new Date(now() - days * 86_400_000));
      if (deleted > 0) logger.info({ deleted, days }, 'retention deleted old conversation turns');
    } catch (error) {
      logger.warn({ err: error }, 'retention could not delete old turns; it tries again in an hour');
    }
  };
  void prune();
  const timer = setInterval(() => void prune(), RETENTION_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
