import type { WebClient } from '@slack/web-api';
import { raceAbort } from '@switchboard/core';
import { toPlatformError } from './errors';
import type { WorkspaceLimiter } from './rate-limit';

/** A Web API answer, loosely typed: the adapter reads the few fields it needs and checks them. */
export type ApiResult = Readonly<Record<string, unknown>>;

/**
 * Every Web API call goes through here: the workspace's budget for the method is awaited first (Tier 3
 * chat.update, Tier 4 chat.appendStream), then the call is made on a WebClient that rejects 429s instead
 * of pausing its whole queue, and errors become PlatformErrors with `retryAfterMs`.
 */
export class SlackApi {
  constructor(
    private readonly client: WebClient,
    private readonly limiter: WorkspaceLimiter,
  ) {}

  async call(
    team: string,
    method: string,
    args: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<ApiResult> {
    await this.limiter.take(team, method, signal);
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
