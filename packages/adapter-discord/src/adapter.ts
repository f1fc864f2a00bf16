import {
  type ChatAdapter,
  COMMANDS,
  type CommandSpec,
  createLogger,
  deferred,
  describeError,
  type EventSink,
  type OutboundMessage,
  PlatformError,
  type ReplyAddress,
  type ReplyPart,
  type SentMessage,
  SwitchboardError,
} from '@switchboard/core';
import { type Client, Events } from 'discord.js';
import { type DiscordAddress, readAddress } from './address';
import { DEFAULT_BACKOFF, IdentifyBackoff } from './backoff';
import { createClient } from './client';
import { slashCommands } from './commands';
import { CustomIds } from './custom-id';
import { FATAL_CLOSE_CODES, fatalGatewayError } from './errors';
import { buttonRows, MAX_LENGTH, truncate } from './format';
import { Ingress } from './gateway';
import type { DiscordAdapterOptions } from './options';
import { RateLimitPacer } from './pacer';
import { RecentIds } from './recent';
import { DiscordApi, EPHEMERAL, type MessageBody } from './send';
import { type MessageRef, ReplySession } from './stream';

const TOKEN_LIFETIME_MS = 15 * 60_000;

/**
 * The Discord adapter: a discord.js gateway bot. Slash commands are deferred at once and answered by
 * streaming edits of the deferred response; mentions and DMs are answered in the channel; approval
 * buttons update their message in place. See README.md for the setup walk-through.
 */
export function createDiscordAdapter(options: DiscordAdapterOptions): ChatAdapter {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const now = options.now ?? Date.now;
  const pacer = new RateLimitPacer();
  const backoff = new IdentifyBackoff(options.backoff ?? DEFAULT_BACKOFF);
  const customIds = new CustomIds();
  const owners = new Set(options.owners ?? []);
  const tokenLifetimeMs = options.tokenLifetimeMs ?? TOKEN_LIFETIME_MS;
  const tokenSafetyMs = options.tokenSafetyMs ?? 60_000;
  let client: Client | undefined;
  let api: DiscordApi | undefined;
  let sink: EventSink | undefined;
  /** Interactions whose deferred original the post primitive has used (bounded). */
  const originals = new RecentIds(10_000);

  const connected = (): DiscordApi => {
    if (api === undefined) {
      throw new PlatformError({
        code: 'discord_not_started',
        message: 'The Discord adapter is not connected.',
        method: 'send',
        retryable: true,
      });
    }
    return api;
  };
  const sessionDeps = () => ({ api: connected(), customIds, logger, now, tokenLifetimeMs, tokenSafetyMs });
  const sent = (address: ReplyAddress, ref: MessageRef | undefined): SentMessage => ({
    platform: 'discord',
    id: ref === undefined ? 'none' : ref.via === 'original' ? '@original' : ref.id,
    address,
    data: ref === undefined ? {} : { ...ref },
  });
  const tokenUsable = (address: DiscordAddress) =>
    address.kind !== 'message' && now() < address.receivedAt + tokenLifetimeMs - tokenSafetyMs;
  const bodyOf = (message: OutboundMessage, address: DiscordAddress): MessageBody => ({
    content: truncate(message.text, MAX_LENGTH),
    ...(message.buttons?.length
      ? { components: buttonRows(message.buttons, (button) => customIds.encode(button, address.userId)) }
      : message.final
        ? { components: [] }
        : {}),
  });

  const stop = async () => {
    sink = undefined;
    const running = client;
    client = undefined;
    api = undefined;
    await running?.destroy();
  };

  const adapter: ChatAdapter = {
    platform: 'discord',
    limits: { maxLength: MAX_LENGTH, minEditIntervalMs: 1000, canEdit: true, maxButtons: 25 },

    async start(eventSink, signal) {
      const instance = createClient({
        apiUrl: options.apiUrl ?? 'https://discord.com/api',
        messageContent: options.messageContent ?? false,
        backoff,
        pacer,
        restTimeoutMs: options.restTimeoutMs ?? 15_000,
      });
      const instanceApi = new DiscordApi(instance.rest, pacer);
      const ingress = new Ingress({
        api: instanceApi,
        logger,
        now,
        customIds,
        owners,
        models: options.models ?? (() => []),
        sink: () => sink,
      });
      const fatal = deferred<never>();
      let started = false;
      instance.on(Events.Raw, (packet: unknown) => ingress.onRaw(packet));
      instance.on(Events.ShardReady, () => backoff.succeeded());
      instance.on(Events.ShardResume, () => backoff.succeeded());
      instance.on(Events.ShardError, (error) =>
        logger.warn({ err: describeError(error) }, 'discord: gateway connection error'),
      );
      instance.on(Events.ShardReconnecting, () => logger.debug('discord: gateway reconnecting'));
      instance.on(Events.Error, (error) =>
        logger.warn({ err: describeError(error) }, 'discord: client error'),
      );
      instance.on(Events.ShardDisconnect, (event) => {
        if (!FATAL_CLOSE_CODES.has(event.code)) return;
        const error = fatalGatewayError(event.code);
        logger.error({ code: error.code, closeCode: event.code }, error.message);
        if (!started) fatal.reject(error);
        else {
          options.onFatal?.(error);
          if (client === instance) void stop();
        }
      });
      fatal.promise.catch(() => {});
      client = instance;
      api = instanceApi;
      sink = eventSink;
      const ready = new Promise<void>((resolve) => instance.once(Events.ClientReady, () => resolve()));
      try {
        await Promise.race([instance.login(options.botToken).then(() => ready), fatal.promise]);
      } catch (error) {
        await stop();
        if ((error as { code?: unknown }).code === 'TokenInvalid') throw fatalGatewayError('token');
        if (error instanceof SwitchboardError) throw error;
        throw new SwitchboardError(
          'discord_login_failed',
          `Could not connect to Discord: ${describeError(error)}`,
          { cause: error },
        );
      }
      started = true;
      signal.addEventListener('abort', () => void stop(), { once: true });
      logger.info({ botId: ingress.botId }, 'discord: connected to the gateway');
      if (options.registerCommands !== false) {
        try {
          await adapter.registerCommands?.(COMMANDS);
        } catch (error) {
          logger.warn(
            { err: describeError(error) },
            'discord: could not register slash commands (invite the bot with the applications.commands scope)',
          );
        }
      }
    },

    async stream(
      to: ReplyAddress,
      parts: AsyncIterable<ReplyPart>,
      signal?: AbortSignal,
    ): Promise<SentMessage | null> {
      const address = readAddress(to);
      if (address.kind === 'action') {
        for await (const part of parts) {
          if (part.type === 'error' && tokenUsable(address)) {
            const body = { content: truncate(`⚠️ ${part.message}`), flags: EPHEMERAL };
            await connected().followUp(address.applicationId, address.token, body).run(signal);
          }
          if (part.type === 'error' || part.type === 'reply-end') break;
        }
        return sent(to, { via: 'original' });
      }
      const ref = await new ReplySession(address, sessionDeps()).run(parts, signal);
      return sent(to, ref);
    },

    async post(to, message, signal) {
      const address = readAddress(to);
      const body = bodyOf(message, address);
      const rest = connected();
      if (address.kind !== 'message' && tokenUsable(address)) {
        if (address.kind === 'interaction' && !originals.seen(address.interactionId)) {
          await rest.editOriginal(address.applicationId, address.token, body).run(signal);
          return sent(to, { via: 'original' });
        }
        const posted = await rest.followUp(address.applicationId, address.token, body).run(signal);
        return sent(to, { via: 'followup', id: posted.id });
      }
      const reference =
        address.kind === 'message'
          ? { message_reference: { message_id: address.messageId, fail_if_not_exists: false } }
          : {};
      const posted = await rest.createMessage(address.channelId, { ...body, ...reference }).run(signal);
      return sent(to, { via: 'channel', id: posted.id, channelId: posted.channel_id });
    },

    async edit(message, outbound, signal) {
      const address = readAddress(message.address);
      const body = bodyOf(outbound, address);
      const data = message.data ?? {};
      const rest = connected();
      if (data['via'] === 'channel') {
        await rest.editMessage(String(data['channelId']), message.id, body).run(signal);
        return;
      }
      if (address.kind === 'message' || !tokenUsable(address)) {
        throw new PlatformError({
          code: 'discord_token_expired',
          message: 'The interaction token expired; post a new message instead.',
          method: 'edit',
          retryable: false,
        });
      }
      if (data['via'] === 'original')
        await rest.editOriginal(address.applicationId, address.token, body).run(signal);
      else await rest.editFollowUp(address.applicationId, address.token, message.id, body).run(signal);
    },

    async typing(to, signal) {
      await connected().typing(readAddress(to).channelId).run(signal);
    },

    async registerCommands(commands: readonly CommandSpec[], signal?: AbortSignal) {
      await connected()
        .putCommands(options.applicationId, options.guildId, slashCommands(commands))
        .run(signal);
      logger.info(
        { count: commands.length, scope: options.guildId === undefined ? 'global' : 'guild' },
        'discord: slash commands registered',
      );
    },

    stop,
  };
  return adapter;
}
