import {
  type ChatAdapter,
  COMMANDS,
  type CommandSpec,
  type ConnectionStatus,
  createLogger,
  deferred,
  describeError,
  type EventSink,
  PlatformError,
  type ReplyAddress,
  type ReplyPart,
  type SentMessage,
  sleep,
} from '@switchboard/core';
import { type Client, Events } from 'discord.js';
import { type DiscordAddress, readAddress } from './address';
import { DEFAULT_BACKOFF, IdentifyBackoff } from './backoff';
import { createClient } from './client';
import { slashCommands } from './commands';
import { CustomIds } from './custom-id';
import { FATAL_CLOSE_CODES, fatalGatewayError, isRefusal, loginError } from './errors';
import { MAX_LENGTH, truncate } from './format';
import { Ingress } from './gateway';
import type { DiscordAdapterOptions } from './options';
import { DiscordRateGate, RateLimitPacer } from './pacer';
import { keepConnecting } from './reconnect';
import { ReplyTargets } from './reply-targets';
import { DiscordApi, EPHEMERAL } from './send';

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
  const tokenLifetimeMs = options.tokenLifetimeMs ?? TOKEN_LIFETIME_MS;
  const tokenSafetyMs = options.tokenSafetyMs ?? 60_000;
  let client: Client | undefined;
  let api: DiscordApi | undefined;
  let sink: EventSink | undefined;
  /** Slash commands whose acknowledgement has not reached Discord yet: replies wait for it. */
  const acknowledgements = new Map<string, Promise<void>>();
  const acknowledgedFirst = async (address: DiscordAddress) => {
    if (address.kind === 'interaction') await acknowledgements.get(address.interactionId);
  };

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
  const targets = new ReplyTargets({
    api: connected,
    customIds,
    now,
    tokenLifetimeMs,
    tokenSafetyMs,
    acknowledged: acknowledgedFirst,
  });
  const tokenUsable = (address: DiscordAddress) =>
    address.kind !== 'message' && now() < address.receivedAt + tokenLifetimeMs - tokenSafetyMs;

  let status: ConnectionStatus = { state: 'connecting' };
  const lifetime = new AbortController();
  const firstAttemptTimeoutMs = options.firstAttemptTimeoutMs ?? 30_000;

  const retrying = (reason: string, attempts: number) => {
    if (status.state === 'stopped' || status.state === 'failed') return;
    status = { state: 'retrying', reason, attempts };
  };

  const stop = async () => {
    status = { state: 'stopped' };
    lifetime.abort();
    sink = undefined;
    const running = client;
    client = undefined;
    api = undefined;
    await running?.destroy();
  };

  /**
   * One connection: a fresh client, login, and the gateway's READY. Resolves once connected; rejects
   * with the operator's error when Discord refused the token or an intent (retrying cannot help) or
   * with the transport's error when Discord could not be reached. A failed attempt destroys its client.
   */
  const attempt = async (): Promise<void> => {
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
      models: options.models ?? (() => []),
      sink: () => sink,
      acknowledging: (interactionId, acknowledged) => {
        acknowledgements.set(interactionId, acknowledged);
        void acknowledged.finally(() => acknowledgements.delete(interactionId));
      },
    });
    const fatal = deferred<never>();
    let started = false;
    instance.on(Events.Raw, (packet: unknown) => ingress.onRaw(packet));
    const connected = () => {
      backoff.succeeded();
      if (started && client === instance && status.state !== 'stopped') status = { state: 'connected' };
    };
    instance.on(Events.ShardReady, connected);
    instance.on(Events.ShardResume, connected);
    instance.on(Events.ShardError, (error) =>
      logger.warn({ err: describeError(error) }, 'discord: gateway connection error'),
    );
    instance.on(Events.ShardReconnecting, () => {
      logger.debug('discord: gateway reconnecting');
      if (started && client === instance) retrying('the gateway connection dropped; reconnecting', 1);
    });
    instance.on(Events.Error, (error) => logger.warn({ err: describeError(error) }, 'discord: client error'));
    instance.on(Events.ShardDisconnect, (event) => {
      if (!FATAL_CLOSE_CODES.has(event.code)) return;
      const error = fatalGatewayError(event.code);
      logger.error({ code: error.code, closeCode: event.code }, error.message);
      if (!started) fatal.reject(error);
      else if (client === instance) {
        status = { state: 'failed', reason: error.message };
        options.onFatal?.(error);
        void stop().then(() => {
          status = { state: 'failed', reason: error.message };
        });
      }
    });
    fatal.promise.catch(() => {});
    client = instance;
    api = instanceApi;
    const ready = new Promise<void>((resolve) => instance.once(Events.ClientReady, () => resolve()));
    try {
      await Promise.race([instance.login(options.botToken).then(() => ready), fatal.promise]);
    } catch (error) {
      if (client === instance) {
        client = undefined;
        api = undefined;
      }
      await instance.destroy().catch(() => {});
      throw loginError(error);
    }
    if (lifetime.signal.aborted) return;
    started = true;
    status = { state: 'connected' };
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
  };

  const adapter: ChatAdapter = {
    platform: 'discord',
    limits: { maxLength: MAX_LENGTH, minEditIntervalMs: 300, canEdit: true, maxButtons: 25, footer: true },

    async start(eventSink, signal) {
      sink = eventSink;
      status = { state: 'connecting' };
      signal.addEventListener('abort', () => void stop(), { once: true });
      const first = attempt();
      first.catch(() => {});
      const outcome = await Promise.race([
        first.then(
          () => 'connected' as const,
          (error: unknown) => error,
        ),
        sleep(firstAttemptTimeoutMs, lifetime.signal).then(
          () => 'slow' as const,
          () => 'stopped' as const,
        ),
      ]);
      if (outcome === 'connected' || outcome === 'stopped') return;
      if (isRefusal(outcome)) {
        status = { state: 'failed', reason: outcome.message };
        throw outcome;
      }
      const reason =
        outcome === 'slow'
          ? `Discord's gateway did not answer within ${Math.round(firstAttemptTimeoutMs / 1000)} s`
          : describeError(outcome);
      retrying(reason, 1);
      logger.warn({ reason }, 'discord not reachable at start; retrying in the background');
      void keepConnecting(outcome === 'slow' ? first : Promise.reject(outcome), {
        attempt,
        isRefusal,
        signal: lifetime.signal,
        onRetrying: (why, attempts) => {
          retrying(why, attempts);
          logger.warn({ attempts, reason: why }, 'discord not reachable; retrying');
        },
        onRefused: (error) => {
          status = { state: 'failed', reason: error.message };
          logger.error({ code: error.code }, error.message);
        },
      });
    },

    status: () => status,

    /**
     * Native only for the answer to a button press: its `reply-end` sets the pressed message to
     * `decided` (buttons removed), its `error` reaches only the presser. Every other reply is declined
     * before any part is read, so the delivery engine posts and edits it.
     */
    async stream(
      to: ReplyAddress,
      parts: AsyncIterable<ReplyPart>,
      signal?: AbortSignal,
    ): Promise<SentMessage | null> {
      const address = readAddress(to);
      if (address.kind !== 'action') return null;
      for await (const part of parts) {
        if (part.type === 'error' && tokenUsable(address)) {
          const body = { content: truncate(`⚠️ ${part.message}`), flags: EPHEMERAL };
          await connected().followUp(address.applicationId, address.token, body).run(signal);
        }
        if (part.type === 'reply-end' && address.decided !== undefined && tokenUsable(address)) {
          const body = { content: address.decided, components: [] };
          await connected().editOriginal(address.applicationId, address.token, body).run(signal);
        }
        if (part.type === 'error' || part.type === 'reply-end') break;
      }
      return { platform: 'discord', id: '@original', address: to, data: { via: 'original' } };
    },

    post: (to, message, signal) => targets.post(to, message, signal),

    edit: (message, outbound, signal) => targets.edit(message, outbound, signal),

    rateGate: new DiscordRateGate(pacer),

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
