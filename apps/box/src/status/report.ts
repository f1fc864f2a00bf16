import type { ModelReport } from './models';
import type { PlatformReport } from './platforms';

export type { ModelReport } from './models';
export type { PlatformReport } from './platforms';

/** The box's life: `starting` until every part answered once, `running`, then `stopping`. */
export type BoxPhase = 'starting' | 'running' | 'stopping';

/**
 * The box as a whole: `degraded` while it runs but a platform retries or failed, or a model failed or
 * restarts. `/healthz`, the start banner and `switchboard doctor` all show this one report.
 */
export interface BoxReport {
  readonly status: 'starting' | 'ready' | 'degraded' | 'stopping';
  readonly platforms: readonly PlatformReport[];
  readonly models: readonly ModelReport[];
}

/** Build the report from the phase and each part's state. */
export function boxReport(
  phase: BoxPhase,
  platforms: readonly PlatformReport[],
  models: readonly ModelReport[],
): BoxReport {
  if (phase !== 'running') return { status: phase, platforms, models };
  const platformTrouble = platforms.some(
    (platform) => platform.state === 'retrying' || platform.state === 'failed',
  );
  const modelTrouble = models.some((model) => model.state === 'failed' || model.state === 'restarting');
  return { status: platformTrouble || modelTrouble ? 'degraded' : 'ready', platforms, models };
}
