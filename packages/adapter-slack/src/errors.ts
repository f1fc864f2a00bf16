import { PlatformError, SwitchboardError } from '@switchboard/core';

interface SlackErrorShape {
  readonly code?: unknown;
  readonly retryAfter?: unknown;
  readonly statusCode?: unknown;
  readonly data?: { readonly error?: unknown };
}

/** Slack error codes that mean "try again later", not "this call is wrong". */
const TRANSIENT = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

/** Slack error codes that mean the token or the app's permissions are wrong: the operator must act. */
const AUTH = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'no_permission',
]);

/** What Slack's error code means to the person reading the log or the chat. */
function explain(error: string, method: string): string {
  if (AUTH.has(error)) return `Slack rejected the bot token (${error}) on ${method}: check SLACK_BOT_TOKEN.`;
  switch (error) {
    case 'missing_scope':
      return `The Slack app lacks a permission for ${method} (missing_scope): reinstall it with the scopes in slack-app-manifest.yaml.`;
    case 'not_in_channel':
    case 'channel_not_found':
      return `Slack says the bot cannot post in this channel (${error}): invite it with /invite @Switchboard.`;
    case 'msg_too_long':
      return `Slack refused ${method}: the message is longer than Slack allows.`;
    case 'message_not_found':
      return `Slack could not find the message to change (${method}); it may have been deleted.`;
    case 'is_archived':
      return 'Slack refused the message: the channel is archived.';
    default:
      return `Slack refused ${method} (${error}).`;
  }
}

/** The Slack error code of a WebAPIPlatformError, or undefined for any other error. */
export function slackErrorCode(error: unknown): string | undefined {
  const shape = error as SlackErrorShape | undefined;
  if (shape?.code !== 'slack_webapi_platform_error') return undefined;
  return typeof shape.data?.error === 'string' ? shape.data.error : 'unknown_error';
}

/**
 * Turn an error of `@slack/web-api` into a {@link PlatformError}: 429 → `rate_limited` with
 * `retryAfterMs` (the WebClient is configured to reject rate-limited calls rather than pause its whole
 * queue, so the delivery engine waits for that one conversation only); Slack's `{ok:false}` errors keep
 * their code; network and 5xx failures are retryable. Messages never include tokens or bodies.
 */
export function toPlatformError(error: unknown, method: string): PlatformError {
  if (PlatformError.isInstance(error)) return error;
  const shape = (error ?? {}) as SlackErrorShape;
  switch (shape.code) {
    case 'slack_webapi_rate_limited_error': {
      const seconds = typeof shape.retryAfter === 'number' && shape.retryAfter >= 0 ? shape.retryAfter : 1;
      return new PlatformError({
        code: 'rate_limited',
        message: `Slack is rate-limiting ${method}; trying again in ${seconds} s.`,
        method,
        retryAfterMs: seconds * 1000,
        retryable: true,
        cause: error,
      });
    }
    case 'slack_webapi_platform_error': {
      const code = slackErrorCode(error) ?? 'unknown_error';
      return new PlatformError({
        code: AUTH.has(code) ? 'slack_auth' : `slack_${code}`,
        message: explain(code, method),
        method,
        ...(code === 'ratelimited' ? { retryAfterMs: 1000 } : {}),
        retryable: TRANSIENT.has(code),
        cause: error,
      });
    }
    case 'slack_webapi_http_error': {
      const status = typeof shape.statusCode === 'number' ? shape.statusCode : 0;
      return new PlatformError({
        code: 'slack_http_error',
        message: `Slack answered ${method} with HTTP ${status}.`,
        method,
        retryable: status >= 500 || status === 0,
        cause: error,
      });
    }
    case 'slack_webapi_request_error':
      return new PlatformError({
        code: 'slack_unreachable',
        message: `Slack could not be reached for ${method}; check the network (and SLACK_API_URL).`,
        method,
        retryable: true,
        cause: error,
      });
    default:
      return new PlatformError({
        code: 'slack_failed',
        message: `Calling Slack's ${method} failed.`,
        method,
        retryable: true,
        cause: error,
      });
  }
}

/** The error `start()` throws when Slack refuses the bot token or cannot be reached at all. */
export function startError(error: unknown, what: string): SwitchboardError {
  const mapped = toPlatformError(error, what);
  if (mapped.code === 'slack_auth') {
    return new SwitchboardError(
      'slack_auth',
      `Slack rejected the ${what === 'apps.connections.open' ? 'app-level token: check SLACK_APP_TOKEN (xapp-…, with the connections:write scope)' : 'bot token: check SLACK_BOT_TOKEN (xoxb-…)'}.`,
      { cause: error },
    );
  }
  return new SwitchboardError('slack_unavailable', `The Slack adapter could not start: ${mapped.message}`, {
    cause: error,
  });
}
