import type { Config } from '@switchboard/core';
import type { ModelReport, PlatformReport } from '../status/report';

/** What `/healthz` of a running box says, as far as `switchboard doctor` reads it. */
export interface RunningBoxHealth {
  readonly url: string;
  readonly status: string;
  readonly platforms: readonly PlatformReport[];
  readonly models: readonly ModelReport[];
}

/** The URL a box started with this configuration answers on (this machine's loopback for 0.0.0.0). */
export function localBoxUrl(config: Config): string {
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
}

function isReportList<T>(value: unknown): value is T[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null);
}

/** Ask the box running on this machine how it is; undefined when none answers (or it is not a Switchboard). */
export async function askRunningBox(config: Config, timeoutMs = 2000): Promise<RunningBoxHealth | undefined> {
  const url = localBoxUrl(config);
  try {
    const response = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json()) as Record<string, unknown>;
    const { status, platforms, models } = body;
    if (typeof status !== 'string' || !isReportList<PlatformReport>(platforms)) return undefined;
    return { url, status, platforms, models: isReportList<ModelReport>(models) ? models : [] };
  } catch {
    return undefined;
  }
}
