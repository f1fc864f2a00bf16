import { describeError, PlatformError, SwitchboardError } from '@switchboard/core';
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';

/** Codes of the errors after which retrying cannot help: the operator must change a setting. */
const REFUSALS = new Set([
  'discord_token_rejected',
  'discord_intent_disallowed',
  'discord_intent_invalid',
  'discord_gateway_fatal',
  'discord_login_refused',
]);

/**
 * A discord.js failure as a PlatformError. Rate limits carry `retryAfterMs`. The request URL is never
 * copied: interaction tokens live in it.
 */
export function toPlatformError(error: unknown, method: string): PlatformError {
  if (PlatformError.isInstance(error)) return error;
  if (error instanceof RateLimitError) {
    const retryAfterMs = Math.max(1, Math.ceil(Math.max(error.retryAfter, error.timeToReset, 0)));
    return new PlatformError({
      code: 'rate_limited',
      message: `Discord rate-limited ${method}${error.global ? ' (global limit)' : ''}; retrying in ${Math.ceil(retryAfterMs / 1000)} s.`,
      method,
      retryAfterMs,
      retryable: true,
    });
  }
  if (error instanceof DiscordAPIError) {
    const raw = error.rawError as { message?: unknown };
    const reason = typeof raw.message === 'string' ? raw.message : 'request refused';
    return new PlatformError({
      code: `discord_${error.code}`,
      message: `Discord refused ${method}: ${reason} (code ${error.code}, HTTP ${error.status}).`,
      method,
      retryable: error.status >= 500,
    });
  }
  if (error instanceof HTTPError) {
    return new PlatformError({
      code: `discord_http_${error.status}`,
      message: `Discord failed ${method} (HTTP ${error.status}).`,
      method,
      retryable: true,
    });
  }
  const name = error instanceof Error ? error.name : '';
  return new PlatformError({
    code: 'discord_unreachable',
    message: `Could not reach Discord for ${method}${name === 'AbortError' ? ' (timed out)' : ''}.`,
    method,
    retryable: true,
  });
}

/** Discord error codes that mean the interaction token can no longer be used. */
export function isTokenGone(error: PlatformError): boolean {
  return ['discord_50027', 'discord_10015', 'discord_10062'].includes(error.code);
}

/** The message was deleted (by a moderator or the user). */
export function isMessageGone(error: PlatformError): boolean {
  return error.code === 'discord_10008';
}

/** Gateway close codes after which reconnecting cannot help. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([4004, 4010, 4011, 4012, 4013, 4014]);

/** The operator-facing error for a fatal gateway close or a refused login. */
export function fatalGatewayError(code: number | 'token'): SwitchboardError {
  if (code === 4004 || code === 'token') {
    return new SwitchboardError(
      'discord_token_rejected',
      'Discord rejected the bot token. Check DISCORD_BOT_TOKEN: in the Developer Portal open your application → Bot → Reset Token, and paste the new token.',
    );
  }
  if (code === 4014) {
    return new SwitchboardError(
      'discord_intent_disallowed',
      'Discord refused the Message Content intent (gateway close 4014). Enable "Message Content Intent" in the Developer Portal → Bot → Privileged Gateway Intents, or set DISCORD_MESSAGE_CONTENT=false (mentions and DMs work without it).',
    );
  }
  if (code === 4013) {
    return new SwitchboardError(
      'discord_intent_invalid',
      'Discord refused the gateway intents as invalid (close 4013); this is a bug in Switchboard, please report it.',
    );
  }
  return new SwitchboardError(
    'discord_gateway_fatal',
    `Discord closed the gateway with code ${code}, after which reconnecting cannot help.`,
  );
}

/** True for an error a new login attempt cannot fix (a refused token, intent or request). */
export function isRefusal(error: unknown): error is SwitchboardError {
  return SwitchboardError.isInstance(error) && REFUSALS.has(error.code);
}

/**
 * A failed login as the operator's error: a refused token (`TokenInvalid`, HTTP 401) or any other
 * 4xx answer is a refusal; network failures, timeouts and 5xx answers mean Discord could not be
 * reached (`discord_unreachable`), which the adapter retries.
 */
export function loginError(error: unknown): SwitchboardError {
  if (SwitchboardError.isInstance(error) && error.code.startsWith('discord_')) return error;
  if ((error as { code?: unknown }).code === 'TokenInvalid') return fatalGatewayError('token');
  if (error instanceof DiscordAPIError && error.status === 401) return fatalGatewayError('token');
  if (error instanceof DiscordAPIError && error.status < 500) {
    return new SwitchboardError(
      'discord_login_refused',
      `Discord refused the bot's login (HTTP ${error.status}, code ${error.code}). Check DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID in the Developer Portal.`,
      { cause: error },
    );
  }
  const reason = error instanceof HTTPError ? `HTTP ${error.status}` : describeError(error);
  return new SwitchboardError('discord_unreachable', `Discord could not be reached (${reason}).`, {
    cause: error,
  });
}
