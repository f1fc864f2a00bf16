import { setTimeout as sleep } from 'node:timers/promises';
import type { PlatformClient } from './clients/client';
import type { Observation } from './outcomes';
import type { ChaosRequest } from './requests';

/** Settled means: nothing happened on any platform, and no answer was streaming, for this long. */
const QUIET_MS = 2_000;

/** A request has ended when nothing is pending and it has a final reply or the platform gave up. */
export const hasEnded = (observation: Observation): boolean =>
  !observation.pending && (observation.gaveUp || observation.answers + observation.notices > 0);

/** How the wait for the run to settle went. */
export interface SettleOutcome {
  /** True when every request ended and everything went quiet before the deadline. */
  readonly settled: boolean;
  readonly waitedMs: number;
}

/**
 * Wait, at most `limitMs`, until every request has ended and for 2 s nothing happened on any platform
 * and no answer was streaming (`busy`), so a late duplicate still gets counted.
 */
export async function waitToSettle(
  requests: readonly ChaosRequest[],
  clientOf: (request: ChaosRequest) => PlatformClient,
  busy: () => boolean,
  limitMs: number,
): Promise<SettleOutcome> {
  const start = Date.now();
  const clients = [...new Set(requests.map(clientOf))];
  while (Date.now() - start < limitMs) {
    const allEnded = requests.every((request) => hasEnded(clientOf(request).observe(request)));
    const lastActivity = Math.max(0, ...clients.map((client) => client.lastActivity()));
    if (allEnded && Date.now() - lastActivity >= QUIET_MS && !busy()) {
      return { settled: true, waitedMs: Date.now() - start };
    }
    await sleep(250);
  }
  return { settled: false, waitedMs: Date.now() - start };
}
