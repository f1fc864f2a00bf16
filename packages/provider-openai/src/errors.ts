import { ModelError } from '@switchboard/core';
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';

/** What an error message may say about where the request went; never the key itself. */
export interface ErrorContext {
  /** The provider name, such as `openai`. */
  readonly provider: string;
  /** The model asked for, when there is one. */
  readonly model?: string;
  /** The base URL without credentials or query. */
  readonly url: string;
  /** True for OpenAI's own API, which is then called "OpenAI" rather than "the model server at …". */
  readonly official: boolean;
  /** Redacted from every message, in case a server echoes it. */
  readonly apiKey: string | undefined;
  /** The prefix of the settings named in advice: `OPENAI` gives OPENAI_API_KEY, OPENAI_MODELS, OPENAI_BASE_URL. */
  readonly envPrefix: string;
}

const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection was closed',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
};

/** `url` without user name, password, query or fragment: safe to show. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(an invalid URL)';
  }
}

/** Replace every occurrence of `secret` in `text`. */
export function redact(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
}

/**
 * Milliseconds to wait, from `retry-after-ms`, or `retry-after` in seconds or as an HTTP date;
 * `undefined` when neither header is usable.
 */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.round(milliseconds);
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number.parseFloat(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Every `code` along the chain of causes (undici nests the system error two levels down). */
function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth += 1) {
    const { code, errors } = current as { code?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (Array.isArray(errors)) codes.push(...errors.flatMap((inner) => causeCodes(inner)));
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** True when the error is the network failing (refused, reset, cut mid-stream), not the server answering. */
export function isNetworkError(error: unknown): boolean {
  if (causeCodes(error).some((code) => code in NETWORK_CODES)) return true;
  return error instanceof TypeError && /terminated|fetch failed|other side closed/i.test(error.message);
}

function networkReason(error: unknown): string {
  for (const code of causeCodes(error)) {
    const reason = NETWORK_CODES[code];
    if (reason) return reason;
  }
  return 'the connection failed';
}

/** The API error's own message, redacted and shortened, for errors the user can only fix by reading it. */
function serverSays(error: APIError, context: ErrorContext): string {
  const body = error.error as { message?: unknown } | undefined;
  const text = typeof body?.message === 'string' ? body.message : '';
  const clean = redact(text, context.apiKey).replace(/\s+/g, ' ').trim();
  return clean === '' ? '' : `: ${clean.length > 240 ? `${clean.slice(0, 239)}…` : clean}`;
}

/** The error to keep as `cause`: the original, unless a server echoed the key into it. */
function safeCause(error: unknown, apiKey: string | undefined): unknown {
  if (!apiKey || !(error instanceof Error)) return error;
  const body = error instanceof APIError ? JSON.stringify(error.error ?? null) : '';
  if (!error.message.includes(apiKey) && !body.includes(apiKey)) return error;
  return new Error(redact(error.message, apiKey));
}

/** How messages name the server: "OpenAI" or "The model server at http://…". */
export function serverName(context: Pick<ErrorContext, 'official' | 'url'>): {
  subject: string;
  object: string;
} {
  return context.official
    ? { subject: 'OpenAI', object: 'OpenAI' }
    : { subject: `The model server at ${context.url}`, object: `the model server at ${context.url}` };
}

/** The one error a stream yields when its idle timeout fires. */
export function timeoutError(context: ErrorContext, timeoutMs: number): ModelError {
  const { subject } = serverName(context);
  return new ModelError({
    code: 'timeout',
    message: `${subject} sent nothing for ${Math.round(timeoutMs / 1000)} s, so the request was given up; try again.`,
    provider: context.provider,
    retryable: true,
  });
}

/** A stream that ended without a finish reason: the connection broke off somewhere. */
export function truncatedError(context: ErrorContext): ModelError {
  return new ModelError({
    code: 'connection_failed',
    message: `The answer from ${serverName(context).object} broke off before the model finished; try again.`,
    provider: context.provider,
    retryable: true,
  });
}

function statusError(error: APIError, status: number, context: ErrorContext): ModelError {
  const { subject } = serverName(context);
  const base = { provider: context.provider, status, cause: safeCause(error, context.apiKey) };
  const wait = retryAfterMs(error.headers);
  const waitOption = wait === undefined ? {} : { retryAfterMs: wait };
  const detail = error.error as { code?: unknown; type?: unknown } | undefined;
  const model = context.model === undefined ? 'the model' : `model "${context.model}"`;

  if (status === 401 || status === 403) {
    return new ModelError({
      ...base,
      code: 'auth_failed',
      message: `${subject} rejected the API key: check ${context.envPrefix}_API_KEY`,
      retryable: false,
    });
  }
  if (status === 429 && detail?.code === 'insufficient_quota') {
    return new ModelError({
      ...base,
      code: 'quota_exceeded',
      message: `${subject} says the account has no quota left: check the plan and billing of the key in ${context.envPrefix}_API_KEY.`,
      retryable: false,
    });
  }
  if (status === 429) {
    const after = wait === undefined ? 'shortly' : `in ${Math.max(1, Math.ceil(wait / 1000))} s`;
    return new ModelError({
      ...base,
      ...waitOption,
      code: 'rate_limited',
      message: `${subject} is rate-limiting requests; try again ${after}.`,
      retryable: true,
    });
  }
  if (status === 529 || detail?.type === 'overloaded_error' || detail?.code === 'overloaded') {
    return new ModelError({
      ...base,
      ...waitOption,
      code: 'overloaded',
      message: `${subject} is overloaded; try again shortly.`,
      retryable: true,
    });
  }
  if (status === 408) {
    return new ModelError({
      ...base,
      code: 'timeout',
      message: `${subject} timed out (HTTP 408); try again.`,
      retryable: true,
    });
  }
  if (status >= 500 || status === 409) {
    return new ModelError({
      ...base,
      ...waitOption,
      code: 'provider_unavailable',
      message: `${subject} is unavailable right now (HTTP ${status}); try again shortly.`,
      retryable: true,
    });
  }
  if (status === 404) {
    return new ModelError({
      ...base,
      code: 'model_not_found',
      message: `${subject} has no ${model} (HTTP 404): check ${context.envPrefix}_MODELS, and ${context.envPrefix}_BASE_URL (it usually ends in /v1).`,
      retryable: false,
    });
  }
  if (detail?.code === 'context_length_exceeded') {
    return new ModelError({
      ...base,
      code: 'context_too_long',
      message: `The conversation is too long for ${model}; use /forget or a model with a larger context window.`,
      retryable: false,
    });
  }
  return new ModelError({
    ...base,
    code: 'bad_request',
    message: `${subject} refused the request (HTTP ${status})${serverSays(error, context)}`,
    retryable: false,
  });
}

/** Any failure of the SDK, the network or the stream as a {@link ModelError} whose message never holds the key. */
export function toModelError(error: unknown, context: ErrorContext): ModelError {
  const { subject, object } = serverName(context);
  const cause = safeCause(error, context.apiKey);
  const provider = context.provider;
  if (error instanceof APIConnectionTimeoutError) {
    return new ModelError({
      code: 'timeout',
      message: `${subject} did not answer in time; try again.`,
      provider,
      retryable: true,
      cause,
    });
  }
  if (error instanceof APIConnectionError) {
    const where = context.official ? `OpenAI at ${context.url}` : object;
    return new ModelError({
      code: 'connection_failed',
      message: `Cannot reach ${where}: ${networkReason(error)}. Check ${context.envPrefix}_BASE_URL and that the server is running.`,
      provider,
      retryable: true,
      cause,
    });
  }
  if (error instanceof APIError && error.status !== undefined)
    return statusError(error, error.status, context);
  if (error instanceof APIError) {
    // An `error` object inside the event stream.
    const detail = error.error as { type?: unknown; code?: unknown } | undefined;
    const overloaded = detail?.type === 'overloaded_error' || detail?.code === 'overloaded';
    const serverSide = overloaded || detail?.type === 'server_error';
    return new ModelError({
      code: overloaded ? 'overloaded' : serverSide ? 'provider_unavailable' : 'provider_error',
      message: `${subject} reported an error in the middle of the answer${serverSays(error, context)}`,
      provider,
      retryable: serverSide,
      cause,
    });
  }
  if (error instanceof SyntaxError) {
    return new ModelError({
      code: 'malformed_response',
      message: `${subject} sent a piece of the answer that is not valid JSON; try again.`,
      provider,
      retryable: true,
      cause,
    });
  }
  if (isNetworkError(error)) {
    return new ModelError({
      code: 'connection_failed',
      message: `The connection to ${object} broke off (${networkReason(error)}); try again.`,
      provider,
      retryable: true,
      cause,
    });
  }
  const text = error instanceof Error ? error.message : String(error);
  return new ModelError({
    code: 'provider_error',
    message: `The call to ${object} failed: ${redact(text, context.apiKey)}`,
    provider,
    retryable: false,
    cause,
  });
}
