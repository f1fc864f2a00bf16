import type { Logger, WebhookRoute } from '@switchboard/core';
import { type ParsedWebhook, parseWebhook } from './parse';
import { hasValidSignature, sameSecret } from './verify';

/** Meta's notifications are small; a body this big is not from Meta. */
export const MAX_BODY_BYTES = 512 * 1024;

/** What the route's handling of a delivery came to. */
export type IngestOutcome =
  | { readonly status: 200 }
  | { readonly status: 503; readonly retryAfterSeconds: number };

/** What the webhook routes need. */
export interface WebhookOptions {
  readonly path: string;
  readonly appSecret: string;
  readonly verifyToken: string;
  readonly logger: Logger;
  /** Hand the delivery's messages over; resolves once they are on the bus (or were ignored). */
  readonly ingest: (parsed: Extract<ParsedWebhook, { ok: true }>) => Promise<IngestOutcome>;
}

const answer = (status: number, body: string | null = null, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers });

async function readLimited(request: Request): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) return undefined;
  const body = new Uint8Array(await request.arrayBuffer());
  return body.byteLength > MAX_BODY_BYTES ? undefined : body;
}

/**
 * `GET` and `POST /whatsapp/webhook`. GET answers Meta's verification handshake: the `hub.challenge`
 * when `hub.mode` is `subscribe` and `hub.verify_token` matches, else 403. POST checks
 * `X-Hub-Signature-256` over the raw bytes before anything is parsed (401 and nothing enqueued
 * otherwise), refuses a body that is not a notification (400), and answers 200 as soon as the messages
 * are on the bus: the model's work happens after. A full bus answers 503 so Meta delivers again.
 */
export function webhookRoutes(options: WebhookOptions): WebhookRoute[] {
  const { logger } = options;
  const verification: WebhookRoute = {
    method: 'GET',
    path: options.path,
    caller: 'platform',
    async handle(request) {
      const query = new URL(request.url).searchParams;
      const challenge = query.get('hub.challenge');
      const token = query.get('hub.verify_token');
      if (
        query.get('hub.mode') !== 'subscribe' ||
        challenge === null ||
        token === null ||
        !sameSecret(token, options.verifyToken)
      ) {
        logger.warn(
          {},
          'whatsapp webhook verification refused: wrong hub.mode or hub.verify_token (check WHATSAPP_VERIFY_TOKEN)',
        );
        return answer(403);
      }
      logger.info({}, 'whatsapp webhook verified by Meta');
      return answer(200, challenge.slice(0, 1000), { 'content-type': 'text/plain' });
    },
  };
  const notifications: WebhookRoute = {
    method: 'POST',
    path: options.path,
    caller: 'platform',
    maxBodyBytes: MAX_BODY_BYTES,
    async handle(request) {
      const raw = await readLimited(request);
      if (raw === undefined) return answer(413);
      if (!hasValidSignature(raw, request.headers.get('x-hub-signature-256'), options.appSecret)) {
        logger.warn(
          {},
          'whatsapp webhook refused: missing or wrong X-Hub-Signature-256 (check WHATSAPP_APP_SECRET)',
        );
        return answer(401);
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.from(raw).toString('utf8'));
      } catch {
        logger.warn({}, 'whatsapp webhook refused: the body is not JSON');
        return answer(400);
      }
      const parsed = parseWebhook(body);
      if (!parsed.ok) {
        logger.warn({ reason: parsed.reason }, 'whatsapp webhook refused: not a notification');
        return answer(400);
      }
      for (const reason of parsed.skipped)
        logger.info({ reason }, 'whatsapp webhook: part of a notification ignored');
      if (parsed.messages.length === 0 && parsed.failures.length === 0 && parsed.skipped.length === 0)
        logger.debug({}, 'whatsapp webhook: a notification without messages (delivery or read statuses)');
      try {
        const outcome = await options.ingest(parsed);
        return outcome.status === 200
          ? answer(200)
          : answer(503, null, { 'retry-after': String(outcome.retryAfterSeconds) });
      } catch (error) {
        logger.error(
          { error: error instanceof Error ? error.message : String(error) },
          'whatsapp webhook: messages not handed over; Meta will deliver them again',
        );
        return answer(503, null, { 'retry-after': '5' });
      }
    },
  };
  return [verification, notifications];
}
