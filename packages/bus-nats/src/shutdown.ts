import type { JetStreamManager } from '@nats-io/jetstream';
import type { BusNames } from './names';

/** Resolve when every promise has settled or after `timeoutMs`, whichever comes first. */
export async function settleWithin(promises: readonly Promise<unknown>[], timeoutMs: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cap = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([Promise.allSettled(promises), cap]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolve once the reply consumers of `owners` have nothing stored for them and nothing unacked (every
 * part reached its handler and was acked), or after `timeoutMs`.
 */
export async function waitForReplies(
  jsm: JetStreamManager,
  names: BusNames,
  owners: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const owner of owners) {
    while (Date.now() < deadline) {
      try {
        const info = await jsm.consumers.info(names.repliesStream, names.repliesConsumer(owner));
        if (info.num_pending === 0 && info.num_ack_pending === 0) break;
      } catch {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
