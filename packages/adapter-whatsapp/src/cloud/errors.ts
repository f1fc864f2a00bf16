import { PlatformError } from '@switchboard/core';

/** Graph error codes the adapter treats on their own (Meta's "Error codes" page for the Cloud API). */
export const GRAPH_CODES = {
  invalidToken: 190,
  throughputLimit: 130429,
  pairRateLimit: 131056,
  undeliverable: 131026,
  outsideWindow: 131047,
} as const;

/** Meta asks for no more than one message every 6 s to the same user after a pair rate limit. */
export const PAIR_RATE_LIMIT_WAIT_MS = 6_000;

/** The `PlatformError.code` of a reply refused because the user's 24-hour window is closed. */
export const OUTSIDE_WINDOW = 'whatsapp_outside_window';

/** The `PlatformError.code` of a message WhatsApp could not deliver (131026). */
export const UNDELIVERABLE = 'whatsapp_undeliverable';

/** The `PlatformError.code` of a refused access token (190 or HTTP 401). */
export const TOKEN_REFUSED = 'whatsapp_token_refused';

interface GraphErrorFields {
  readonly code: number | undefined;
  readonly title: string;
  readonly details: string | undefined;
}

function errorFields(body: unknown): GraphErrorFields {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null)
    return { code: undefined, title: 'no error body', details: undefined };
  const fields = error as { code?: unknown; message?: unknown; error_data?: unknown };
  const data = fields.error_data as { details?: unknown } | undefined;
  return {
    code: typeof fields.code === 'number' ? fields.code : undefined,
    title: typeof fields.message === 'string' ? fields.message.slice(0, 200) : 'unknown error',
    details: typeof data?.details === 'string' ? data.details.slice(0, 300) : undefined,
  };
}

/**
 * The {@link PlatformError} for a failed Graph call: throttling (130429, 131056) is retryable with a
 * wait, a closed window (131047), an undeliverable message (131026) and a refused token (190) are not,
 * and server errors are retried. The message never contains the token or the message text.
 */
export function graphFailure(method: string, status: number, body: unknown): PlatformError {
  const { code, title, details } = errorFields(body);
  const suffix = details === undefined ? '' : ` ${details}`;
  if (code === GRAPH_CODES.invalidToken || status === 401)
    return new PlatformError({
      code: TOKEN_REFUSED,
      method,
      message: `WhatsApp refused the access token (${title}): check WHATSAPP_TOKEN.`,
    });
  if (code === GRAPH_CODES.throughputLimit)
    return new PlatformError({
      code: 'whatsapp_throughput_limit',
      method,
      retryable: true,
      message: `WhatsApp throttled the business number (130429): the message is sent again after a backoff.`,
    });
  if (code === GRAPH_CODES.pairRateLimit)
    return new PlatformError({
      code: 'whatsapp_pair_rate_limit',
      method,
      retryAfterMs: PAIR_RATE_LIMIT_WAIT_MS,
      message:
        'Too many messages to this WhatsApp user in a short time (131056): waiting before the next one.',
    });
  if (code === GRAPH_CODES.outsideWindow)
    return new PlatformError({
      code: OUTSIDE_WINDOW,
      method,
      message: `WhatsApp refused a free-form message: more than 24 hours have passed since the user last wrote (131047).${suffix}`,
    });
  if (code === GRAPH_CODES.undeliverable)
    return new PlatformError({
      code: UNDELIVERABLE,
      method,
      message: `WhatsApp could not deliver the message (131026): the number may not use WhatsApp, or has not accepted the latest terms.${suffix}`,
    });
  return new PlatformError({
    code: code === undefined ? `whatsapp_http_${status}` : `whatsapp_${code}`,
    method,
    retryable: status >= 500 || status === 429,
    message: `WhatsApp answered ${status}: ${title}.${suffix}`,
  });
}
