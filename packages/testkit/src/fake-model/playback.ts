import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendJson, startSse } from '../http';
import type { ErrorBehaviour, ModelsFailure, RecordedRequest } from './types';

/** One server-sent event of a scripted answer. */
export interface ScriptedEvent {
  /** Written as `data: <json>`; a string as it is. */
  readonly data: unknown;
  /** Written as `event: <name>` before the data, when set. */
  readonly event?: string;
  /** True for the pieces of the answer that `afterChunks` counts and `delayMs` paces. */
  readonly counts: boolean;
}

/** A streamed answer and how far to play it. */
export interface Playback {
  readonly head: readonly ScriptedEvent[];
  readonly body: readonly ScriptedEvent[];
  readonly tail: readonly ScriptedEvent[];
  /** Counted body events to send before `after`; every one when undefined. */
  readonly limit: number | undefined;
  /** After the limit: send the tail, go silent, destroy the socket, or write raw text and end. */
  readonly after: 'finish' | 'stall' | 'cut' | { readonly raw: string };
  readonly delayMs: number | undefined;
  /** Extra response headers, such as a request id. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A behaviour that may break an answer off: `stall`, `cut` and `malformed` carry `afterChunks`. */
interface MaybeInterrupting {
  readonly type: string;
  readonly afterChunks?: number;
}

/**
 * How far to play an answer for the behaviours every fake shares: `stall` and `cut` after their chunks,
 * `malformed` with `malformedEvent` (the API's own framing of a bad event), anything else to the end.
 */
export function playbackFor(
  behaviour: MaybeInterrupting,
  malformedEvent: string,
): Pick<Playback, 'limit' | 'after'> {
  const limit = behaviour.afterChunks ?? 0;
  if (behaviour.type === 'stall' || behaviour.type === 'cut') return { limit, after: behaviour.type };
  if (behaviour.type === 'malformed') return { limit, after: { raw: malformedEvent } };
  return { limit: undefined, after: 'finish' };
}

/** Destroy the socket once what was written has reached it, so the client sees the partial answer first. */
export function cutAfterFlush(response: ServerResponse, record: RecordedRequest): Promise<void> {
  record.outcome = 'cut';
  return new Promise((resolve) => {
    response.write('', () => {
      response.destroy();
      resolve();
    });
  });
}

/** Answer with the scripted HTTP error: its body or the API's default one, `retry-after`, extra headers. */
export function sendScriptedError(
  response: ServerResponse,
  behaviour: ErrorBehaviour,
  defaultBody: (status: number) => object,
  headers: Readonly<Record<string, string>>,
): void {
  const retry: Record<string, string> =
    behaviour.retryAfterSeconds === undefined ? {} : { 'retry-after': String(behaviour.retryAfterSeconds) };
  sendJson(response, behaviour.status, behaviour.body ?? defaultBody(behaviour.status), {
    ...headers,
    ...retry,
    ...behaviour.headers,
  });
}

/** Play a streamed answer as server-sent events, as far as the playback says. */
export async function playStream(
  response: ServerResponse,
  record: RecordedRequest,
  playback: Playback,
  signal: AbortSignal,
): Promise<void> {
  const limit = playback.limit ?? Number.POSITIVE_INFINITY;
  if (playback.after === 'stall' && limit === 0) return;
  const sse = startSse(response, playback.headers);
  for (const item of playback.head) sse.send(item.data, item.event);
  let counted = 0;
  for (const item of playback.body) {
    if (item.counts) {
      if (counted >= limit) break;
      if (counted > 0 && playback.delayMs) {
        await sleep(playback.delayMs, undefined, { signal }).catch(() => undefined);
      }
      counted += 1;
    }
    if (!sse.send(item.data, item.event)) return;
  }
  if (playback.after === 'stall') return;
  if (playback.after === 'cut') return cutAfterFlush(response, record);
  if (playback.after !== 'finish') {
    sse.raw(playback.after.raw);
    return sse.end();
  }
  for (const item of playback.tail) sse.send(item.data, item.event);
  sse.end();
}

/** Play an answer to a request without `stream: true`: the whole body, or the scripted failure. */
export function playWhole(
  response: ServerResponse,
  record: RecordedRequest,
  failure: 'stall' | 'cut' | 'malformed' | undefined,
  body: () => object,
): void | Promise<void> {
  if (failure === 'stall') return;
  if (failure === 'cut') return cutAfterFlush(response, record);
  if (failure === 'malformed') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{not json');
    return;
  }
  sendJson(response, 200, body());
}

/** Answer `GET /v1/models` with the list, or with the scripted failure. */
export function playModels(
  response: ServerResponse,
  record: RecordedRequest,
  failure: ModelsFailure | undefined,
  list: object,
  defaultBody: (status: number) => object,
): void | Promise<void> {
  if (failure?.type === 'error') return sendScriptedError(response, failure, defaultBody, {});
  return playWhole(response, record, failure?.type, () => list);
}
