import { z } from 'zod';
import type { ConfigIssue } from '../../errors';
import { httpUrl, list, secret } from '../fields';
import type { ConfigSection } from '../section';

/** The official Bot API root; a local Bot API server (or a test fake) replaces it. */
export const TELEGRAM_DEFAULT_API_ROOT = 'https://api.telegram.org';

/** Telegram's rule for `secret_token`: 1-256 characters of A-Z, a-z, 0-9, `_` and `-`. */
const webhookSecret = z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, {
  message: 'expected 1-256 characters of A-Z, a-z, 0-9, _ and - (use `openssl rand -hex 32`)',
});

/** Webhook mode: Telegram POSTs updates to `url`, each carrying `secret` in a header. */
export interface TelegramWebhookSettings {
  /** The public URL Telegram delivers to; its path is where the box mounts the route. */
  readonly url: string;
  /** Compared with `X-Telegram-Bot-Api-Secret-Token` on every delivery. */
  readonly secret: string;
}

/** Settings of the Telegram adapter; `undefined` when TELEGRAM_BOT_TOKEN is unset. */
export interface TelegramSettings {
  readonly botToken: string;
  /** The Bot API root, without the `/bot<token>` part. */
  readonly apiRoot: string;
  /** Set for webhook mode; `undefined` means long polling. */
  readonly webhook: TelegramWebhookSettings | undefined;
  readonly allowedUsers: readonly string[];
  readonly allowedChats: readonly string[];
}

/** Telegram's variables: the token, the API root, webhook mode and the allowlists. */
export const telegramSection: ConfigSection<TelegramSettings | undefined> = {
  variables: {
    TELEGRAM_BOT_TOKEN: secret.optional(),
    TELEGRAM_API_ROOT: httpUrl.default(TELEGRAM_DEFAULT_API_ROOT),
    TELEGRAM_WEBHOOK_URL: httpUrl.optional(),
    TELEGRAM_WEBHOOK_SECRET: webhookSecret.optional(),
    TELEGRAM_ALLOWED_USERS: list.default([]),
    TELEGRAM_ALLOWED_CHATS: list.default([]),
  },
  check(v) {
    const issues: ConfigIssue[] = [];
    const url = v['TELEGRAM_WEBHOOK_URL'] as string | undefined;
    if (url !== undefined && v['TELEGRAM_WEBHOOK_SECRET'] === undefined) {
      issues.push({
        variable: 'TELEGRAM_WEBHOOK_SECRET',
        message:
          'required when TELEGRAM_WEBHOOK_URL is set, so that only Telegram can post updates to the box',
      });
    }
    if (url !== undefined && v['TELEGRAM_BOT_TOKEN'] === undefined) {
      issues.push({ variable: 'TELEGRAM_BOT_TOKEN', message: 'required when TELEGRAM_WEBHOOK_URL is set' });
    }
    if (url !== undefined && URL.canParse(url) && new URL(url).pathname.replace(/\/+$/, '') === '') {
      issues.push({
        variable: 'TELEGRAM_WEBHOOK_URL',
        message: 'needs a path of its own, such as https://box.example.com/telegram/webhook',
      });
    }
    return issues;
  },
  build: (v) =>
    v['TELEGRAM_BOT_TOKEN'] === undefined
      ? undefined
      : {
          botToken: v['TELEGRAM_BOT_TOKEN'] as string,
          apiRoot: v['TELEGRAM_API_ROOT'] as string,
          webhook:
            v['TELEGRAM_WEBHOOK_URL'] === undefined
              ? undefined
              : { url: v['TELEGRAM_WEBHOOK_URL'] as string, secret: v['TELEGRAM_WEBHOOK_SECRET'] as string },
          allowedUsers: v['TELEGRAM_ALLOWED_USERS'] as string[],
          allowedChats: v['TELEGRAM_ALLOWED_CHATS'] as string[],
        },
};
