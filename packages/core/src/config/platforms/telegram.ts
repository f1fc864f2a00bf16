import type { ConfigSection } from '../section';
import { list, secret } from '../fields';

/** Settings of the Telegram adapter; `undefined` when TELEGRAM_BOT_TOKEN is unset. */
export interface TelegramSettings {
  readonly botToken: string;
  readonly allowedUsers: readonly string[];
  readonly allowedChats: readonly string[];
}

/** Telegram's variables (the adapter issue extends this file). */
export const telegramSection: ConfigSection<TelegramSettings | undefined> = {
  variables: {
    TELEGRAM_BOT_TOKEN: secret.optional(),
    TELEGRAM_ALLOWED_USERS: list.default([]),
    TELEGRAM_ALLOWED_CHATS: list.default([]),
  },
  build: (v) =>
    v['TELEGRAM_BOT_TOKEN'] === undefined
      ? undefined
      : {
          botToken: v['TELEGRAM_BOT_TOKEN'] as string,
          allowedUsers: v['TELEGRAM_ALLOWED_USERS'] as string[],
          allowedChats: v['TELEGRAM_ALLOWED_CHATS'] as string[],
        },
};
