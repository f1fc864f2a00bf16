import { setTimeout as sleep } from 'node:timers/promises';
import { markedProgress } from '../../../packages/testkit/src/fake-openai/index';
import type { Observation } from '../outcomes';
import type { ChaosRequest } from '../requests';
import { bump, type PlatformClient, sketch } from './client';

const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 2_000;

/** A final part the client read: `reply-end` or `error`. */
interface FinalPart {
  readonly type: string;
  readonly text: string;
}

interface WebState {
  readonly finals: FinalPart[];
  readonly attempts: string[];
  done: boolean;
}

/** Parse a `text/event-stream` of reply parts into their JSON objects. */
export async function* serverSentParts(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<Record<string, unknown>> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const data = buffer
        .slice(0, boundary)
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      buffer = buffer.slice(boundary + 2);
      if (data) yield JSON.parse(data) as Record<string, unknown>;
      boundary = buffer.indexOf('\n\n');
    }
  }
}

/**
 * The web API as a client that keeps its promise to the user: `POST /api/messages` (JSON, an
 * `Idempotency-Key`, a loopback Host), read the SSE stream to its `reply-end` or `error`; when the
 * connection fails or breaks before that, or the box answers 409/503/5xx, retry the same request with the
 * same key — with backoff, until it gets a final part or the run ends — as the README says retrying is safe.
 */
export function createWebClient(boxUrl: string, runSignal: AbortSignal): PlatformClient {
  const states = new Map<string, WebState>();
  const counts: Record<string, number> = {};
  let lastActivity = Date.now();

  async function attempt(request: ChaosRequest, state: WebState): Promise<void> {
    const response = await fetch(`${boxUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': request.marker },
      body: JSON.stringify({ conversation: request.marker, text: request.text }),
      signal: runSignal,
    });
    lastActivity = Date.now();
    bump(counts, `HTTP ${response.status}`);
    state.attempts.push(`HTTP ${response.status}`);
    if (response.status !== 200 || response.body === null) {
      await response.body?.cancel();
      // Anything else (400, 401, 422) will not change by asking again.
      if (response.status !== 409 && response.status !== 503 && response.status < 500) state.done = true;
      return;
    }
    for await (const part of serverSentParts(response.body)) {
      lastActivity = Date.now();
      if (part['type'] === 'reply-end' || part['type'] === 'error') {
        const text = String(part['type'] === 'reply-end' ? part['text'] : part['message']);
        state.finals.push({ type: String(part['type']), text });
        state.attempts.push(sketch(String(part['type']), text));
        state.done = true;
        return;
      }
    }
    bump(counts, 'stream ended without a final part');
    state.attempts.push('stream ended without a final part');
  }

  async function askUntilAnswered(request: ChaosRequest, state: WebState): Promise<void> {
    let backoff = FIRST_BACKOFF_MS;
    while (!state.done && !runSignal.aborted) {
      bump(counts, 'attempts');
      try {
        await attempt(request, state);
      } catch {
        if (runSignal.aborted) {
          state.attempts.push('still waiting when the run ended');
          break;
        }
        bump(counts, 'connection failed or broke');
        state.attempts.push('connection failed or broke');
      }
      if (state.done) break;
      await sleep(backoff, undefined, { signal: runSignal }).catch(() => undefined);
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 1.6);
    }
  }

  return {
    platform: 'web',
    beforeStart() {},
    async ready() {},
    send(request) {
      const state: WebState = { finals: [], attempts: [], done: false };
      states.set(request.marker, state);
      request.sentAt = Date.now();
      void askUntilAnswered(request, state).finally(() => {
        state.done = true;
      });
    },
    observe(request): Observation {
      const state = states.get(request.marker);
      const finals = state?.finals ?? [];
      const answers = finals.filter(
        (part) => part.type === 'reply-end' && markedProgress(part.text, request.answer) === 'whole',
      ).length;
      return {
        answers,
        notices: finals.length - answers,
        unfinished: 0,
        gaveUp: false,
        pending: state !== undefined && !state.done,
      };
    },
    transcript(request) {
      const attempts = states.get(request.marker)?.attempts ?? [];
      const squashed: string[] = [];
      for (const line of attempts) {
        const last = squashed.at(-1);
        const repeated = last === undefined ? undefined : /^(.*?)(?: ×(\d+))?$/.exec(last);
        if (repeated && repeated[1] === line)
          squashed[squashed.length - 1] = `${line} ×${Number(repeated[2] ?? 1) + 1}`;
        else squashed.push(line);
      }
      return squashed;
    },
    lastActivity: () => lastActivity,
    diagnostics: () => ({ ...counts }),
  };
}
