import type { Logger, WebhookRoute } from '@switchboard/core';
import type { RouteReceiver } from './receiver';
import { verifySlackRequest } from './verify';

/** Slack's requests are a few kilobytes; anything this big is not from Slack. */
const MAX_BODY_BYTES = 1_000_000;

/** What the events route needs. */
export interface EventsRouteOptions {
  readonly path: string;
  readonly signingSecret: string;
  readonly receiver: RouteReceiver;
  readonly logger: Logger;
  readonly now: () => number;
}

type Parsed = { readonly body: Record<string, unknown> } | { readonly error: string };

const problem = (status: number, code: string, message: string) =>
  new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json' },
  });

async function readLimited(request: Request): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) return undefined;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Read the three shapes Slack sends: Events API JSON, slash-command form fields, and interaction
 * payloads (`payload=<json>` in a form). Anything else is refused before Bolt sees it.
 */
export function parseSlackBody(text: string, contentType: string): Parsed {
  if (contentType.includes('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { error: 'the body is not valid JSON' };
    }
    if (!isObject(body) || typeof body['type'] !== 'string')
      return { error: 'an Events API body needs a "type"' };
    if (body['type'] === 'event_callback') {
      const event = body['event'];
      if (!isObject(event) || typeof event['type'] !== 'string')
        return { error: 'an event_callback needs an "event" with a "type"' };
      if (typeof body['team_id'] !== 'string' && !Array.isArray(body['authorizations']))
        return { error: 'an event_callback needs a team' };
    }
    return { body };
  }
  if (contentType.includes('application/x-www-form-urlencoded')) {
    const fields = Object.fromEntries(new URLSearchParams(text));
    if (typeof fields['payload'] === 'string') {
      let payload: unknown;
      try {
        payload = JSON.parse(fields['payload']);
      } catch {
        return { error: 'the interaction payload is not valid JSON' };
      }
      if (!isObject(payload) || typeof payload['type'] !== 'string')
        return { error: 'an interaction payload needs a "type"' };
      if (payload['type'] === 'block_actions' && !Array.isArray(payload['actions']))
        return { error: 'block_actions needs "actions"' };
      return { body: payload };
    }
    if (fields['ssl_check'] !== undefined) return { body: { ssl_check: fields['ssl_check'] } };
    if (typeof fields['command'] === 'string' && fields['command'].startsWith('/')) return { body: fields };
    return { error: 'a form body needs a "command" or a "payload"' };
  }
  return { error: 'expected application/json or application/x-www-form-urlencoded' };
}

/**
 * `POST /slack/events` on the box's server: one URL for the Events API, slash commands and
 * interactivity. Verifies the signature over the raw bytes (and the timestamp, both directions) before
 * parsing anything; answers `url_verification` and `ssl_check` itself; everything else goes to Bolt
 * through the {@link RouteReceiver}.
 */
export function createEventsRoute(options: EventsRouteOptions): WebhookRoute {
  const { logger } = options;
  return {
    method: 'POST',
    path: options.path,
    caller: 'platform',
    maxBodyBytes: MAX_BODY_BYTES,
    async handle(request) {
      const raw = await readLimited(request);
      if (raw === undefined) return problem(413, 'too_large', 'The request body is too large.');
      const verdict = verifySlackRequest({
        signingSecret: options.signingSecret,
        rawBody: raw,
        timestamp: request.headers.get('x-slack-request-timestamp'),
        signature: request.headers.get('x-slack-signature'),
        nowMs: options.now(),
      });
      if (!verdict.ok) {
        logger.warn({ reason: verdict.reason }, 'refused a slack request: bad signature');
        return problem(401, 'invalid_signature', 'The request is not signed by Slack.');
      }
      const parsed = parseSlackBody(
        Buffer.from(raw).toString('utf8'),
        request.headers.get('content-type') ?? '',
      );
      if ('error' in parsed) {
        logger.warn({ reason: parsed.error }, 'refused a malformed slack request');
        return problem(400, 'bad_request', `Slack request not understood: ${parsed.error}.`);
      }
      const { body } = parsed;
      if (body['type'] === 'url_verification') {
        return new Response(JSON.stringify({ challenge: String(body['challenge'] ?? '') }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      }
      if (body['ssl_check'] !== undefined) return new Response(null, { status: 200 });
      const retryHeader = request.headers.get('x-slack-retry-num');
      const retryNum =
        retryHeader !== null && /^\d{1,3}$/.test(retryHeader) ? Number(retryHeader) : undefined;
      const retryReason = request.headers.get('x-slack-retry-reason') ?? undefined;
      return options.receiver.dispatch(body, {
        ...(retryNum === undefined ? {} : { num: retryNum }),
        ...(retryReason === undefined ? {} : { reason: retryReason.slice(0, 64) }),
      });
    },
  };
}
