import { createDiscordAdapter } from '@switchboard/adapter-discord';
import { createSlackAdapter } from '@switchboard/adapter-slack';
import { createTelegramAdapter } from '@switchboard/adapter-telegram';
import { createWebAdapter } from '@switchboard/adapter-web';
import type { ChatAdapter, Config, Logger } from '@switchboard/core';

/** What adapters need from the running box beyond the configuration. */
export interface AdapterContext {
  /** The configured model refs (Discord's `/model` autocomplete). */
  readonly models?: () => readonly string[];
  /** The clock for platform deadlines such as Discord's 15-minute interaction tokens (tests pass a fake one). */
  readonly now?: () => number;
}

/** The platform adapters the configuration asks for. The web chat is always there. */
export function createAdapters(config: Config, logger: Logger, context: AdapterContext = {}): ChatAdapter[] {
  const adapters: ChatAdapter[] = [createWebAdapter({ apiToken: config.http.apiToken })];
  const slack = config.platforms.slack;
  if (slack) {
    adapters.push(
      createSlackAdapter({
        botToken: slack.botToken,
        signingSecret: slack.signingSecret,
        appToken: slack.appToken,
        apiUrl: slack.apiUrl,
        command: slack.command,
        logger,
      }),
    );
  }
  const telegram = config.platforms.telegram;
  if (telegram) {
    adapters.push(
      createTelegramAdapter({
        botToken: telegram.botToken,
        apiRoot: telegram.apiRoot,
        webhook: telegram.webhook,
        logger,
      }),
    );
  }
  const discord = config.platforms.discord;
  if (discord) {
    adapters.push(
      createDiscordAdapter({
        botToken: discord.botToken,
        applicationId: discord.applicationId,
        guildId: discord.guildId,
        apiUrl: discord.apiUrl,
        messageContent: discord.messageContent,
        owners: config.access.owners
          .filter((owner) => owner.startsWith('discord:'))
          .map((owner) => owner.slice('discord:'.length)),
        logger,
        ...(context.models ? { models: context.models } : {}),
        ...(context.now ? { now: context.now } : {}),
      }),
    );
  }
  return adapters;
}
