import { PlatformError } from '@switchboard/core';
import { TelegramError } from 'telegraf';

/** The platform error code for "message is not modified" (shared with the delivery engine). */
export const NOT_MODIFIED = 'not_modified';

/** What kind of Bot API failure an error is, for the adapter's own decisions. */
export type TelegramFailure =
  | 'rate-limited'
  | 'not-modified'
  | 'parse-error'
  | 'message-gone'
  | 'too-long'
  | 'unauthorized'
  | 'conflict'
  | 'unsupported'
  | 'bad-request'
  | 'server'
  | 'network'
  | 'aborted';

/** Classify an error thrown by telegraf's client. */
export function classify(error: unknown): TelegramFailure {
  if (error instanceof TelegramError) {
    const description = (error.description ?? '').toLowerCase();
    if (error.code === 429) return 'rate-limited';
    if (error.code === 401) return 'unauthorized';
    if (error.code === 409) return 'conflict';
    if (error.code === 404) return 'unsupported';
    if (error.code >= 500) return 'server';
    if (description.includes('message is not modified')) return 'not-modified';
    if (description.includes("can't parse entities")) return 'parse-error';
    if (description.includes('message is too long') || description.includes('text is too long'))
      return 'too-long';
    if (description.includes('message to edit not found') || description.includes("message can't be edited"))
      return 'message-gone';
    return 'bad-request';
  }
  if (error instanceof Error && error.name === 'AbortError') return 'aborted';
  return 'network';
}

/** `retry_after` of a 429, in milliseconds. */
export function retryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof TelegramError)) return undefined;
  const seconds = error.parameters?.retry_after;
  return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : undefined;
}

/** A message safe to log and show: Telegram's own description, never a URL (which holds the token). */
export function describeTelegramError(error: unknown, token: string): string {
  if (error instanceof TelegramError) return `Telegram answered ${error.code}: ${error.description}`;
  const text = error instanceof Error ? error.message : String(error);
  return redact(text, token);
}

/** Remove the bot token (and anything shaped like one) from a text. */
export function redact(text: string, token: string): string {
  const withoutToken = token.length > 0 ? text.split(token).join('[token]') : text;
  return withoutToken.replace(/bot\d+:[\w-]+/g, 'bot[token]');
}

/**
 * Turn a telegraf failure into the {@link PlatformError} the delivery engine understands: 429 carries
 * `retryAfterMs` (the engine waits for that chat only), server and network failures are retryable, a
 * rejected text or a vanished message is not.
 */
export function toPlatformError(error: unknown, method: string, token: string): PlatformError {
  if (PlatformError.isInstance(error)) return error as PlatformError;
  const kind = classify(error);
  const message = describeTelegramError(error, token);
  switch (kind) {
    case 'rate-limited':
      return new PlatformError({
        code: 'rate_limited',
        method,
        message: `Telegram is rate limiting ${method}; retrying later.`,
        retryAfterMs: retryAfterMs(error) ?? 5000,
        cause: error,
      });
    case 'not-modified':
      return new PlatformError({ code: NOT_MODIFIED, method, message, retryable: false, cause: error });
    case 'server':
    case 'network':
      return new PlatformError({
        code: 'unavailable',
        method,
        message: `Telegram could not be reached (${message}).`,
        retryable: true,
        cause: error,
      });
    case 'unauthorized':
      return new PlatformError({
        code: 'unauthorized',
        method,
        message: 'Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN.',
        retryable: false,
        cause: error,
      });
    case 'message-gone':
      return new PlatformError({ code: 'message_gone', method, message, retryable: false, cause: error });
    case 'aborted':
      return new PlatformError({
        code: 'aborted',
        method,
        message: 'The call was aborted.',
        retryable: false,
        cause: error,
      });
    default:
      return new PlatformError({
        code: kind.replace('-', '_'),
        method,
        message,
        retryable: false,
        cause: error,
      });
  }
}
