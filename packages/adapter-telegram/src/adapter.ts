import {
  type ChatAdapter,
  COMMANDS,
  type CommandSpec,
  type ConnectionStatus,
  createLogger,
  type EventSink,
  type Logger,
  PlatformError,
  RecentIds,
  sleep,
} from '@switchboard/core';
import type { Telegraf } from 'telegraf';
import { CallbackData } from './callback-data';
import { createClient, DEFAULT_API_ROOT } from './client';
import { type DraftSupport, previewDraft } from './drafts';
import { classify, describeTelegramError, type TelegramFailure, toPlatformError } from './errors';
import { ALLOWED_UPDATES, Poller } from './gateway';
import { type IngestContext, ingest } from './ingest';
import { ChatLimiter } from './limiter';
import type { BotIdentity } from './normalize';
import { TelegramRateGate } from './rate-gate';
import { edit, MAX_MESSAGE_LENGTH, post, type SendContext, typing } from './send';
import { findUnrecorded } from './unrecorded';
import { webhookRoute } from './webhook';

/** Settings of {@link createTelegramAdapter}; the box builds them from TELEGRAM_* variables. */
export interface TelegramAdapterOptions {
  /** TELEGRAM_BOT_TOKEN, from BotFather. */
  readonly botToken: string;
  /** TELEGRAM_API_ROOT: the Bot API root (default https://api.telegram.org). */
  readonly apiRoot?: string;
  /** TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET; undefined means long polling. */
  readonly webhook?: { readonly url: string; readonly secret: string } | undefined;
  readonly logger?: Logger;
  /** How long Telegram may hold an empty getUpdates, in seconds (default 50). */
  readonly pollTimeoutSeconds?: number;
  /** Stream into drafts (`sendMessageDraft`) in private chats (default true; refused drafts turn it off). */
  readonly drafts?: boolean;
  /** The shortest gap between edits in one chat (default 1000 ms). */
  readonly editIntervalMs?: number;
  /** New messages per group per minute (default 20, Telegram's limit). */
  readonly groupMessagesPerMinute?: number;
  /** How long the webhook waits for the bus before asking Telegram to redeliver (default 5000 ms). */
  readonly webhookAckTimeoutMs?: number;
  /** The command menu registered at start (default core's COMMANDS; false registers none). */
  readonly commands?: readonly CommandSpec[] | false;
  /** How long the first connection attempt at start may take before the adapter retries in the background (default 15 s). */
  readonly firstAttemptTimeoutMs?: number;
}

/** The operator's sentence for a rejected token (401, or 404 for a token of the wrong shape). */
const TOKEN_REJECTED = 'Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather).';

/** True when retrying cannot help: Telegram refused the token. */
function refused(kind: TelegramFailure): boolean {
  return kind === 'unauthorized' || kind === 'unsupported';
}

/** The Telegram adapter, with the telegraf instance and the bot's identity once known. */
export interface TelegramAdapter extends ChatAdapter {
  /** The telegraf instance the adapter talks through. */
  readonly bot: Telegraf;
  /** The bot's id and username (from getMe), once started. */
  readonly identity: BotIdentity | undefined;
}

/**
 * Telegram through telegraf: long polling or a webhook on the box's server, private chats and groups,
 * replies streamed into drafts (private chats) or posted and edited (groups), approvals as inline
 * keyboards. See the package README for setup.
 */
export function createTelegramAdapter(options: TelegramAdapterOptions): TelegramAdapter {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const client = createClient(options.botToken, options.apiRoot ?? DEFAULT_API_ROOT);
  const editIntervalMs = options.editIntervalMs ?? 1000;
  const lifetime = new AbortController();
  const callbacks = new CallbackData();
  const drafts: DraftSupport = { enabled: options.drafts ?? true, supported: undefined };
  const send: SendContext = {
    client,
    limiter: new ChatLimiter({
      editIntervalMs,
      groupMessagesPerMinute: options.groupMessagesPerMinute ?? 20,
    }),
    callbacks,
    token: options.botToken,
    logger,
    replaced: new Set(),
    acks: new Map(),
  };
  let identity: BotIdentity | undefined;
  let sink: EventSink | undefined;
  let ready = false;
  let poller: Poller | undefined;
  let retrying: Promise<void> | undefined;
  let status: ConnectionStatus = { state: 'connecting' };

  /** Record a failed call to Telegram: `retrying` with the reason, or `failed` when the token was refused. */
  const failed = (error: unknown, attempts: number) => {
    if (status.state === 'stopped') return;
    const kind = classify(error);
    if (refused(kind)) status = { state: 'failed', reason: TOKEN_REJECTED };
    else {
      const reason =
        kind === 'conflict'
          ? 'another program is polling this bot, or a webhook is set for it (Telegram answered 409)'
          : `Telegram is not reachable (${describeTelegramError(error, options.botToken)})`;
      status = { state: 'retrying', reason, attempts };
    }
  };

  const ingestContext: IngestContext = {
    send,
    drafts,
    callbacks,
    logger,
    identity: () => (ready ? identity : undefined),
    sink: () => sink,
    lifetime: lifetime.signal,
    acknowledged: new RecentIds(),
  };
  const handOver = (update: unknown) => ingest(ingestContext, update);

  /** getMe, then the webhook (set, or deleted for polling). Idempotent once it succeeded. */
  const connect = async (signal: AbortSignal = lifetime.signal) => {
    if (ready) return;
    const me = await client.call<{ id: number; username?: string }>('getMe', {}, signal);
    identity = { id: me.id, username: me.username ?? '' };
    client.bot.botInfo = me as never;
    if (options.webhook) {
      await client.call(
        'setWebhook',
        {
          url: options.webhook.url,
          secret_token: options.webhook.secret,
          allowed_updates: ALLOWED_UPDATES,
          drop_pending_updates: false,
        },
        signal,
      );
    } else {
      await client.call('deleteWebhook', { drop_pending_updates: false }, signal);
    }
    ready = true;
    if (status.state !== 'stopped') status = { state: 'connected' };
    logger.info(
      { bot: identity.username, mode: options.webhook ? 'webhook' : 'polling' },
      'telegram connected',
    );
    const commands = options.commands ?? COMMANDS;
    if (commands !== false) {
      adapter.registerCommands?.(commands, lifetime.signal).catch((error: unknown) => {
        logger.warn({ failure: classify(error) }, 'telegram command menu not registered');
      });
    }
  };

  /** Webhook mode only: keep trying to connect in the background after a failed start. */
  const retryConnect = async () => {
    for (let attempt = 1; !ready && !lifetime.signal.aborted; attempt += 1) {
      await sleep(Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5)), lifetime.signal).catch(
        () => undefined,
      );
      try {
        await connect();
      } catch (error) {
        failed(error, attempt + 1);
        if (refused(classify(error))) {
          logger.error({}, TOKEN_REJECTED);
          return;
        }
      }
    }
  };

  const adapter: TelegramAdapter = {
    platform: 'telegram',
    limits: {
      maxLength: MAX_MESSAGE_LENGTH,
      minEditIntervalMs: editIntervalMs,
      canEdit: true,
      maxButtons: 10,
    },
    get bot() {
      return client.bot;
    },
    get identity() {
      return identity;
    },

    async start(eventSink, signal) {
      sink = eventSink;
      status = { state: 'connecting' };
      const firstAttempt = AbortSignal.any([
        lifetime.signal,
        signal,
        AbortSignal.timeout(options.firstAttemptTimeoutMs ?? 15_000),
      ]);
      try {
        await connect(firstAttempt);
      } catch (error) {
        const kind = classify(error);
        if (refused(kind)) {
          status = { state: 'failed', reason: TOKEN_REJECTED };
          throw new PlatformError({
            code: 'unauthorized',
            method: 'getMe',
            message: TOKEN_REJECTED,
            retryable: false,
          });
        }
        failed(error, 1);
        logger.warn(
          { failure: kind, error: describeTelegramError(error, options.botToken) },
          'telegram not reachable at start; retrying in the background',
        );
      }
      if (options.webhook) {
        if (!ready) retrying = retryConnect();
      } else {
        poller = new Poller({
          client,
          logger,
          timeoutSeconds: options.pollTimeoutSeconds ?? 50,
          ingest: handOver,
          onHealth: (failure) => {
            if (failure === undefined) {
              if (ready && status.state !== 'stopped') status = { state: 'connected' };
            } else failed(failure.error, failure.attempts);
          },
        });
        poller.start(() => connect());
      }
      signal.addEventListener('abort', () => void poller?.stop(), { once: true });
    },

    status: () => status,

    routes() {
      if (!options.webhook) return [];
      return [
        webhookRoute({
          path: new URL(options.webhook.url).pathname,
          secret: options.webhook.secret,
          logger,
          ackTimeoutMs: options.webhookAckTimeoutMs ?? 5000,
          ingest: handOver,
        }),
      ];
    },

    post: (to, message, signal) => post(send, to, message, signal),
    edit: (sent, message, signal) => edit(send, sent, message, signal),
    preview: (to, text, signal) => previewDraft(send, drafts, to, text, signal),
    rateGate: new TelegramRateGate(send, drafts),
    typing: (to, signal) => typing(send, to, signal),
    unrecorded: (query, signal) => findUnrecorded(send, query, signal),

    async registerCommands(commands, signal) {
      const list = commands
        .filter((command) => /^[a-z0-9_]{1,32}$/.test(command.name))
        .map((command) => ({
          command: command.name,
          description: command.description.slice(0, 256) || command.name,
        }));
      try {
        await client.call('setMyCommands', { commands: list }, signal);
      } catch (error) {
        throw toPlatformError(error, 'setMyCommands', options.botToken);
      }
    },

    async stop() {
      status = { state: 'stopped' };
      await poller?.stop();
      lifetime.abort();
      await retrying;
      sink = undefined;
      ready = false;
    },
  };
  return adapter;
}
