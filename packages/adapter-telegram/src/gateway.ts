import { type Logger, type SinkResult, sleep } from '@switchboard/core';
import type { TelegramClient } from './client';
import { classify, retryAfterMs, type TelegramFailure } from './errors';

/** The update kinds the box asks Telegram for. */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** What the poller needs. */
export interface PollerOptions {
  readonly client: TelegramClient;
  readonly logger: Logger;
  /** Seconds Telegram may hold an empty getUpdates (long polling). */
  readonly timeoutSeconds: number;
  /** Hand one update to the bus; its verdict decides whether the update is confirmed. */
  readonly ingest: (update: unknown) => Promise<SinkResult>;
  /** Told when Telegram answers again (`undefined`) or fails: the failure kind, the error, and how many in a row. */
  readonly onHealth?: (
    failure: { kind: TelegramFailure; error: unknown; attempts: number } | undefined,
  ) => void;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Long polling with at-least-once confirmation. Telegram forgets an update once a later `getUpdates`
 * asks for a higher `offset`; the poller raises the offset past an update only when the bus has it
 * (`accepted` or `duplicate`) or the box decided it is not for it (`ignored`). When the bus is full
 * (`busy`) or the sink fails, the offset stays, polling pauses (back-pressure: the queue is full
 * anyway), and the same update comes again — with the same event id, so the bus drops what it already
 * has. Updates are handled in order, one at a time (the sink only enqueues). On stop the held request is
 * aborted and the confirmed offset is sent once more so Telegram forgets what the bus already has.
 * telegraf's own `launch()` polling is not used: it advances the offset as soon as updates arrive and
 * confirms it on stop even when the handler failed, which would lose updates.
 */
export class Poller {
  readonly #options: PollerOptions;
  readonly #controller = new AbortController();
  #offset = 0;
  #confirmedOffset = 0;
  #loop: Promise<void> | undefined;

  constructor(options: PollerOptions) {
    this.#options = options;
  }

  /** The next update id the poller asks for (every id below it is on the bus or was ignored). */
  get offset(): number {
    return this.#offset;
  }

  /** Start polling in the background; `ready` runs first (getMe, deleteWebhook) and is retried. */
  start(ready: () => Promise<void>): void {
    this.#loop ??= this.#run(ready).catch((error: unknown) => {
      this.#options.logger.error({ failure: classify(error) }, 'telegram polling stopped');
      this.#options.onHealth?.({ kind: classify(error), error, attempts: 0 });
    });
  }

  async stop(): Promise<void> {
    this.#controller.abort();
    await this.#loop;
  }

  async #run(ready: () => Promise<void>): Promise<void> {
    const { client, logger } = this.#options;
    const signal = this.#controller.signal;
    let failures = 0;
    const backoff = async (error: unknown) => {
      failures += 1;
      this.#options.onHealth?.({ kind: classify(error), error, attempts: failures });
      const wait = retryAfterMs(error) ?? Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(failures - 1, 5));
      await sleep(wait, signal).catch(() => undefined);
    };
    while (!signal.aborted) {
      try {
        await ready();
        break;
      } catch (error) {
        if (signal.aborted) return;
        if (classify(error) === 'unauthorized') throw error;
        logger.warn({ failure: classify(error) }, 'telegram not reachable yet; retrying');
        await backoff(error);
      }
    }
    failures = 0;
    this.#options.onHealth?.(undefined);
    try {
      while (!signal.aborted) {
        let updates: unknown[];
        try {
          updates = await client.call<unknown[]>(
            'getUpdates',
            { offset: this.#offset, timeout: this.#options.timeoutSeconds, allowed_updates: ALLOWED_UPDATES },
            signal,
          );
          this.#confirmedOffset = this.#offset;
          if (failures > 0) this.#options.onHealth?.(undefined);
          failures = 0;
        } catch (error) {
          if (signal.aborted) break;
          const kind = classify(error);
          if (kind === 'unauthorized') throw error;
          logger.warn(
            { failure: kind },
            kind === 'conflict'
              ? 'another getUpdates or a webhook is active for this bot'
              : 'getUpdates failed; retrying',
          );
          await backoff(error);
          continue;
        }
        await this.#handle(Array.isArray(updates) ? updates : [], signal);
      }
    } finally {
      await this.#confirm();
    }
  }

  /** Hand each update to the bus in order; stop at the first one that may not be confirmed. */
  async #handle(updates: readonly unknown[], signal: AbortSignal): Promise<void> {
    const ordered = updates
      .map((update) => ({ update, id: (update as { update_id?: unknown } | null)?.update_id }))
      .filter(
        (entry): entry is { update: unknown; id: number } =>
          typeof entry.id === 'number' && Number.isSafeInteger(entry.id),
      )
      .sort((a, b) => a.id - b.id);
    for (const { update, id } of ordered) {
      if (signal.aborted) return;
      if (id < this.#offset) continue;
      let result: SinkResult;
      try {
        result = await this.#options.ingest(update);
      } catch (error) {
        this.#options.logger.warn(
          { updateId: id, error: error instanceof Error ? error.name : 'unknown' },
          'telegram update not handed over; it will come again',
        );
        await sleep(1000, signal).catch(() => undefined);
        return;
      }
      if (result.status === 'busy') {
        this.#options.logger.warn(
          { updateId: id, retryAfterMs: result.retryAfterMs },
          'queue full: telegram update left unconfirmed',
        );
        await sleep(Math.max(100, result.retryAfterMs), signal).catch(() => undefined);
        return;
      }
      this.#offset = id + 1;
    }
  }

  /** Tell Telegram to forget what the bus already has (best effort, short). */
  async #confirm(): Promise<void> {
    if (this.#offset <= this.#confirmedOffset) return;
    try {
      await this.#options.client.call(
        'getUpdates',
        { offset: this.#offset, limit: 1, timeout: 0 },
        AbortSignal.timeout(5000),
      );
      this.#confirmedOffset = this.#offset;
    } catch (error) {
      this.#options.logger.debug(
        { failure: classify(error) },
        'could not confirm the last telegram updates; they will be redelivered and deduplicated',
      );
    }
  }
}
