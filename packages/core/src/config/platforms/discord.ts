import type { ConfigSection } from '../section';
import { list, secret } from '../fields';

/** Settings of the Discord adapter; `undefined` when DISCORD_BOT_TOKEN is unset. */
export interface DiscordSettings {
  readonly botToken: string;
  readonly allowedUsers: readonly string[];
  readonly allowedRoles: readonly string[];
}

/** Discord's variables (the adapter issue extends this file). */
export const discordSection: ConfigSection<DiscordSettings | undefined> = {
  variables: {
    DISCORD_BOT_TOKEN: secret.optional(),
    DISCORD_ALLOWED_USERS: list.default([]),
    DISCORD_ALLOWED_ROLES: list.default([]),
  },
  build: (v) =>
    v['DISCORD_BOT_TOKEN'] === undefined
      ? undefined
      : {
          botToken: v['DISCORD_BOT_TOKEN'] as string,
          allowedUsers: v['DISCORD_ALLOWED_USERS'] as string[],
          allowedRoles: v['DISCORD_ALLOWED_ROLES'] as string[],
        },
};
