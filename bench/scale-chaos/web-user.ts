import { setTimeout as sleep } from 'node:timers/promises';
import { serverSentParts } from '../chaos/clients/web';

/** What one request got back through the web API. */
export interface WebOutcome {
  readonly conversation: string;
  readonly marker: string;
  /** Final parts received (`reply-end` or `error`), over every attempt. */
  readonly finals: { readonly type: string; readonly text: string; readonly at: number }[];
  attempts: number;
  /** When the gateway first took the request (answered 200): the box orders a conversation by this. */
  acceptedAt: number | undefined;
  done: boolean;
}

/**
 * Ask through the gateway's web API as a careful client does: the request's marker as its
 * `Idempotency-Key`; a broken connection, a stream that ends without a final part, 409, 503 or 5xx is
 * retried with the same key until a final part arrives or `signal` ends the run.
 */
export async function askAsWebUser(
  url: () => string,
  outcome: WebOutcome,
  text: string,
  token: string,
  signal: AbortSignal,
): Promise<void> {
  let backoff = 250;
  while (!outcome.done && !signal.aborted) {
    outcome.attempts++;
    try {
      const response = await fetch(`${url()}/api/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': outcome.marker,
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ conversation: outcome.conversation, text }),
        signal,
      });
      if (response.status === 200 && response.body) {
        outcome.acceptedAt ??= Date.now();
        for await (const part of serverSentParts(response.body)) {
          if (part['type'] !== 'reply-end' && part['type'] !== 'error') continue;
          const partText = String(part['type'] === 'reply-end' ? part['text'] : part['message']);
          outcome.finals.push({ type: String(part['type']), text: partText, at: Date.now() });
          outcome.done = true;
        }
      } else {
        await response.body?.cancel();
        if (response.status !== 409 && response.status !== 503 && response.status < 500) outcome.done = true;
      }
    } catch {
      // the connection failed or broke: ask again
    }
    if (outcome.done) break;
    await sleep(backoff, undefined, { signal }).catch(() => undefined);
    backoff = Math.min(2000, backoff * 1.6);
  }
}
