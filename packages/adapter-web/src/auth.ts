import { timingSafeEqual } from 'node:crypto';
import { isLoopback } from '@switchboard/core';

/**
 * Who may use the web chat and its API: with `SWITCHBOARD_API_TOKEN` set, holders of that bearer token;
 * without it, callers on this machine (loopback) only. Either way they speak as the owner.
 */
export function isAuthorized(
  request: Request,
  remoteAddress: string | undefined,
  apiToken: string | undefined,
): boolean {
  if (apiToken !== undefined) {
    const header = request.headers.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    return match?.[1] !== undefined && constantTimeEqual(match[1].trim(), apiToken);
  }
  return remoteAddress !== undefined && isLoopback(remoteAddress);
}

function constantTimeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
