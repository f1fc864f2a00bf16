import { z } from 'zod';
import type { ConfigIssue } from '../../errors';
import { httpUrl, list, secret } from '../fields';
import type { ConfigSection } from '../section';

/** Discord's REST API root; discord.js appends `/v10`. */
export const DISCORD_DEFAULT_API_URL = 'https://discord.com/api';

/** Settings of the Discord adapter; `undefined` when DISCORD_BOT_TOKEN is unset. */
export interface DiscordSettings {
  readonly botToken: string;
  /** The application (client) id from the Developer Portal; slash commands and invites need it. */
  readonly applicationId: string;
  /** Register slash commands in this one server (instant) instead of globally. */
  readonly guildId: string | undefined;
  /** The REST API root (`https://discord.com/api`, or a local fake in tests); the gateway URL comes from its `/gateway/bot`. */
  readonly apiUrl: string;
  /** Ask for the privileged Message Content intent (needed only to read messages that neither mention the bot nor are DMs). */
  readonly messageContent: boolean;
  readonly allowedUsers: readonly string[];
  readonly allowedRoles: readonly string[];
}

const snowflake = z
  .string()
  .trim()
  .regex(/^\d{17,20}$/, { message: 'expected a Discord id (17-20 digits), copied with Developer Mode on' });

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => ['true', 'false', '1', '0', 'yes', 'no'].includes(value), {
    message: 'expected true or false',
  })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** Discord's variables. */
export const discordSection: ConfigSection<DiscordSettings | undefined> = {
  variables: {
    DISCORD_BOT_TOKEN: secret.optional(),
    DISCORD_APPLICATION_ID: snowflake.optional(),
    DISCORD_GUILD_ID: snowflake.optional(),
    DISCORD_API_URL: httpUrl.default(DISCORD_DEFAULT_API_URL),
    DISCORD_MESSAGE_CONTENT: flag.default(false),
    DISCORD_ALLOWED_USERS: list.default([]),
    DISCORD_ALLOWED_ROLES: list.default([]),
  },
  check(v) {
    const issues: ConfigIssue[] = [];
    if (v['DISCORD_BOT_TOKEN'] !== undefined && v['DISCORD_APPLICATION_ID'] === undefined) {
      issues.push({
        variable: 'DISCORD_APPLICATION_ID',
        message:
          'required with DISCORD_BOT_TOKEN: copy the Application ID from the Developer Portal (General Information) so slash commands can be registered',
      });
    }
    if (v['DISCORD_BOT_TOKEN'] === undefined && v['DISCORD_GUILD_ID'] !== undefined) {
      issues.push({
        variable: 'DISCORD_BOT_TOKEN',
        message: 'DISCORD_GUILD_ID is set but the bot token is missing',
      });
    }
    return issues;
  },
  build: (v) =>
    v['DISCORD_BOT_TOKEN'] === undefined
      ? undefined
      : {
          botToken: v['DISCORD_BOT_TOKEN'] as string,
          applicationId: v['DISCORD_APPLICATION_ID'] as string,
          guildId: v['DISCORD_GUILD_ID'] as string | undefined,
          apiUrl: (v['DISCORD_API_URL'] as string).replace(/\/+$/, ''),
          messageContent: v['DISCORD_MESSAGE_CONTENT'] as boolean,
          allowedUsers: v['DISCORD_ALLOWED_USERS'] as string[],
          allowedRoles: v['DISCORD_ALLOWED_ROLES'] as string[],
        },
};
