import { describeError, type SwitchboardError, sleep } from '@switchboard/core';

/** What {@link keepConnecting} needs: one connection attempt, and how to report what happens. */
export interface ReconnectOptions {
  /** A new attempt: resolves once connected, rejects when it failed (and cleaned up after itself). */
  readonly attempt: () => Promise<void>;
  /** True for a failure no new attempt can fix (a refused token or intent). */
  readonly isRefusal: (error: unknown) => error is SwitchboardError;
  /** Another attempt failed; the next follows after a pause. */
  readonly onRetrying: (reason: string, attempts: number) => void;
  /** Discord refused the bot: no more attempts. */
  readonly onRefused: (error: SwitchboardError) => void;
  /** Aborted when the adapter stops. */
  readonly signal: AbortSignal;
  /** The longest pause between attempts (default 60 s); pauses start at 1 s and double. */
  readonly maxDelayMs?: number;
}

/**
 * After a first attempt that failed or has not finished: wait for it, then keep making new attempts
 * with a growing pause until one connects, Discord refuses the bot, or the adapter stops.
 */
export async function keepConnecting(pending: Promise<void>, options: ReconnectOptions): Promise<void> {
  const { signal } = options;
  let current = pending;
  for (let attempts = 1; !signal.aborted; attempts += 1) {
    try {
      await current;
      return;
    } catch (error) {
      if (signal.aborted) return;
      if (options.isRefusal(error)) {
        options.onRefused(error);
        return;
      }
      options.onRetrying(describeError(error), attempts);
    }
    const delay = Math.min(options.maxDelayMs ?? 60_000, 1000 * 2 ** Math.min(attempts - 1, 6));
    await sleep(delay, signal).catch(() => {});
    if (signal.aborted) return;
    current = options.attempt();
  }
}
