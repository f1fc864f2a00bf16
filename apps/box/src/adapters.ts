import { createDiscordAdapter } from '@switchboard/adapter-discord';
import { createSlackAdapter } from '@switchboard/adapter-slack';
import { createTelegramAdapter } from '@switchboard/adapter-telegram';
import { createWebAdapter } from '@switchboard/adapter-web';
import { createWhatsAppAdapter, type WhatsAppAdapterOptions } from '@switchboard/adapter-whatsapp';
import type { ChatAdapter, Config, Logger } from '@switchboard/core';

/** What adapters need from the running box beyond the configuration. */
export interface AdapterContext {
  /** The configured model refs (Discord's `/model` autocomplete). */
  readonly models?: () => readonly string[];
  /** The clock for platform deadlines such as Discord's 15-minute interaction tokens (tests pass a fake one). */
  readonly now?: () => number;
  /** WhatsApp web mode's client factory, QR display and timings (tests pass a fake client). */
  readonly whatsappWeb?: WhatsAppAdapterOptions['web'];
}

/** The platform adapters the configuration asks for. The web chat is always there. */
export function createAdapters(config: Config, logger: Logger, context: AdapterContext = {}): ChatAdapter[] {
  const adapters: ChatAdapter[] = [createWebAdapter({ apiToken: config.http.apiToken, logger })];
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
        logger,
        ...(context.models ? { models: context.models } : {}),
        ...(context.now ? { now: context.now } : {}),
      }),
    );
  }
  const whatsapp = config.platforms.whatsapp;
  if (whatsapp) {
    adapters.push(
      createWhatsAppAdapter({
        settings: whatsapp,
        logger,
        owners: config.access.owners,
        dataDir: config.dataDir,
        ...(context.now ? { now: context.now } : {}),
        ...(context.whatsappWeb ? { web: context.whatsappWeb } : {}),
      }),
    );
  }
  return adapters;
}
