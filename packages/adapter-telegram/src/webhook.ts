import type { Logger, SinkResult, WebhookRoute } from '@switchboard/core';
import { NotReadyError } from './ingest';
import { hasWebhookSecret } from './verify';

/** Telegram's updates are small; anything larger is not from Telegram. */
const MAX_BODY_BYTES = 1_000_000;

/** What the webhook route needs. */
export interface WebhookOptions {
  /** Where the route is mounted: the path of TELEGRAM_WEBHOOK_URL. */
  readonly path: string;
  readonly secret: string;
  readonly logger: Logger;
  /** The longest the route waits for the bus before answering 503 (Telegram then redelivers). */
  readonly ackTimeoutMs: number;
  readonly ingest: (update: unknown) => Promise<SinkResult>;
}

const answer = (status: number, headers: Record<string, string> = {}) =>
  new Response(null, { status, headers });

async function readLimited(request: Request): Promise<string | undefined> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) return undefined;
  const body = await request.arrayBuffer();
  return body.byteLength > MAX_BODY_BYTES ? undefined : new TextDecoder().decode(body);
}

/**
 * The webhook route, mounted on the box's HTTP server. A delivery without the right
 * `X-Telegram-Bot-Api-Secret-Token` is refused (401) before its body is read, and nothing is enqueued.
 * Otherwise the update goes to the bus and the route answers 200 with an empty body as soon as the bus
 * has it — it never waits for the model. When the bus is full or slow, or the adapter is not ready, it
 * answers 503 so Telegram delivers the update again; the event id makes that redelivery harmless.
 */
export function webhookRoute(options: WebhookOptions): WebhookRoute {
  return {
    method: 'POST',
    path: options.path,
    caller: 'platform',
    maxBodyBytes: MAX_BODY_BYTES,
    async handle(request) {
      if (!hasWebhookSecret(request, options.secret)) {
        options.logger.warn(
          { path: options.path },
          'telegram webhook refused: wrong or missing secret token',
        );
        return answer(401);
      }
      const text = await readLimited(request);
      if (text === undefined) return answer(413);
      let update: unknown;
      try {
        update = JSON.parse(text);
      } catch {
        return answer(400);
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), options.ackTimeoutMs);
      });
      const handed = options.ingest(update);
      try {
        const result = await Promise.race([handed, timeout]);
        if (result === 'timeout') {
          handed.catch(() => undefined);
          options.logger.warn(
            {},
            'telegram webhook: the bus did not answer in time; asking Telegram to deliver again',
          );
          return answer(503, { 'retry-after': '1' });
        }
        if (result.status === 'busy')
          return answer(503, { 'retry-after': String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))) });
        return answer(200);
      } catch (error) {
        if (error instanceof NotReadyError) return answer(503, { 'retry-after': '1' });
        options.logger.error(
          { error: error instanceof Error ? error.name : 'unknown' },
          'telegram webhook: update not handed over',
        );
        return answer(500);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
