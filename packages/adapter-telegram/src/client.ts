import { Telegraf } from 'telegraf';

/** The Bot API root telegraf talks to when none is configured. */
export const DEFAULT_API_ROOT = 'https://api.telegram.org';

/** A Bot API call through telegraf; throws telegraf's `TelegramError` (or a network error) unchanged. */
export interface TelegramClient {
  /** The telegraf instance, for anything beyond the adapter (its `telegram` is the API client). */
  readonly bot: Telegraf;
  call<T>(method: string, payload: object, signal?: AbortSignal): Promise<T>;
}

/**
 * telegraf resolves `./bot<token>/<method>` against the root, so a root with a path needs a trailing
 * slash (`http://host/telegram` would otherwise lose `telegram`).
 */
export function normalizeApiRoot(apiRoot: string): string {
  const url = new URL(apiRoot);
  if (url.pathname !== '/' && !url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url.pathname === '/' ? url.origin : url.toString();
}

/**
 * A telegraf client pointed at `apiRoot`, with webhookReply off: every call is a real HTTP request
 * whose result and errors we see (telegraf would otherwise answer some calls inside the webhook
 * response, unconfirmed). Methods telegraf's typings lack (`sendMessageDraft`) go through `callApi` too.
 */
export function createClient(token: string, apiRoot: string = DEFAULT_API_ROOT): TelegramClient {
  const bot = new Telegraf(token, { telegram: { apiRoot: normalizeApiRoot(apiRoot), webhookReply: false } });
  return {
    bot,
    call<T>(method: string, payload: object, signal?: AbortSignal): Promise<T> {
      return bot.telegram.callApi(
        method as never,
        payload as never,
        (signal ? { signal } : {}) as never,
      ) as Promise<T>;
    },
  };
}
