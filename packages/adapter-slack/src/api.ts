import type { WebClient } from '@slack/web-api';
import { raceAbort } from '@switchboard/core';
import { toPlatformError } from './errors';

/** A Web API answer, loosely typed: the adapter reads the few fields it needs and checks them. */
export type ApiResult = Readonly<Record<string, unknown>>;

/**
 * Every Web API call goes through here, on a WebClient that rejects 429s instead of pausing its whole
 * queue; errors become PlatformErrors with `retryAfterMs`. Pacing is the caller's: the delivery engine
 * waits on the adapter's `SlackRateGate`, the native stream on the workspace's append budget.
 */
export class SlackApi {
  constructor(private readonly client: WebClient) {}

  /** Call `method` for the workspace `_team` (one bot token serves it; the name documents the call site). */
  async call(
    _team: string,
    method: string,
    args: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<ApiResult> {
    const call = this.client.apiCall(method, args) as unknown as Promise<ApiResult>;
    call.catch(() => {});
    try {
      return await raceAbort(call, signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw toPlatformError(error, method);
    }
  }
}

/** A string field of an answer, or a PlatformError-free fallback. */
export function field(result: ApiResult, name: string): string | undefined {
  const value = result[name];
  return typeof value === 'string' ? value : undefined;
}
