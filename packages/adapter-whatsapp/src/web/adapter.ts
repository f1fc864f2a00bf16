import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ChatAdapter,
  describeError,
  type EventSink,
  type Logger,
  PlatformError,
  type SentMessage,
  SwitchboardError,
  type WhatsAppWebSettings,
} from '@switchboard/core';
import { toWhatsApp } from '../format';
import { TEXT_ONLY, whatsappLimits } from '../shared';
import { fromWebAddress } from './address';
import { NumberedApprovals } from './approvals';
import { createBrowserClient, type WebClient, type WebClientFactory, type WebMessage } from './client';
import { WebConnection } from './connection';
import { type IngressRules, readWebMessage, webAction, webEvent } from './ingress';
import { printQr } from './qr';

/** The folder under `SWITCHBOARD_DATA_DIR` where LocalAuth keeps the linked session. */
export const SESSION_FOLDER = 'whatsapp-session';

/** Options of {@link createWebModeAdapter}. */
export interface WebAdapterOptions {
  readonly settings: Omit<WhatsAppWebSettings, 'mode'> & { readonly progressMs: number };
  readonly logger: Logger;
  readonly dataDir: string;
  /** Numbers that may command the box besides the owner's own chat (owners and WHATSAPP_ALLOWED_USERS). */
  readonly admitted: ReadonlySet<string>;
  readonly now?: () => number;
  /** Makes the whatsapp-web.js client (tests pass a fake one). */
  readonly clientFactory?: WebClientFactory;
  /** Shows the QR code (default: printed in the terminal). */
  readonly showQr?: (qr: string) => void;
  /** How long a start may take before WhatsApp Web counts as unreachable. Default 45 s. */
  readonly connectTimeoutMs?: number;
  /** The first reconnect wait (doubling up to `maxBackoffMs`, default 60 s). Default 2 s. */
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How long a numbered approval answers to its numbers. */
  readonly approvalTtlMs?: number;
}

/** How many texts sent to the owner's own chat are remembered, so their echo is not read as requests. */
const ECHO_MEMORY = 200;

const bad = (method: string) =>
  new PlatformError({ code: 'whatsapp_bad_address', method, message: 'Not a WhatsApp Web reply address.' });

/**
 * WhatsApp through whatsapp-web.js: the owner's own account linked as a device. The owner's own chat,
 * admitted numbers and prefixed group messages are requests; replies are plain posts (no edits, no
 * buttons: approvals are numbered replies).
 */
export function createWebModeAdapter(options: WebAdapterOptions): ChatAdapter {
  const { settings, logger } = options;
  const now = options.now ?? Date.now;
  const approvals = new NumberedApprovals(options.approvalTtlMs);
  const echoes: string[] = [];
  let sink: EventSink | undefined;

  const isEcho = (message: WebMessage): boolean => {
    const index = echoes.indexOf(`${message.to}\u0000${message.body}`);
    if (index < 0) return false;
    echoes.splice(index, 1);
    return true;
  };

  const send = async (client: WebClient, chatId: string, text: string) => {
    echoes.push(`${chatId}\u0000${text}`);
    if (echoes.length > ECHO_MEMORY) echoes.shift();
    return client.sendMessage(chatId, text);
  };

  const handle = async (client: WebClient, message: WebMessage) => {
    const me = client.info?.wid.user;
    if (me === undefined || sink === undefined) return;
    if (message.fromMe && isEcho(message)) return;
    const rules: IngressRules = {
      me,
      admitted: options.admitted,
      groupPrefix: settings.groupPrefix,
      awaitsNumber: (chatId) => approvals.awaits(chatId, now()),
    };
    const read = readWebMessage(message, rules);
    if (read.kind === 'ignored') {
      logger.debug({ reason: read.reason }, 'whatsapp web: message not for the box');
      return;
    }
    if (read.kind === 'media') {
      await send(client, read.chatId, TEXT_ONLY);
      return;
    }
    const pressed = approvals.resolve(read.chatId, read.text, now());
    const receivedAt = new Date(now());
    const event =
      pressed === undefined
        ? webEvent(read, message, me, receivedAt)
        : webAction(read, message, me, receivedAt, pressed);
    if (event === undefined) return;
    const result = await sink(event);
    if (result.status === 'busy')
      logger.warn({}, 'whatsapp web: the box is busy; the request was answered busy');
  };

  const attach = (client: WebClient) => {
    const run = (message: WebMessage) => {
      handle(client, message).catch((error: unknown) =>
        logger.error({ error: describeError(error) }, 'whatsapp web: a message could not be handled'),
      );
    };
    client.on('ready', () => {
      const me = client.info?.wid.user;
      if (me !== undefined && !options.admitted.has(me))
        logger.warn(
          {},
          `whatsapp web: linked as ${me}, which is not in SWITCHBOARD_OWNER: add whatsapp:${me} there so your own chat can command the box`,
        );
    });
    client.on('message', (message) => {
      if (!message.fromMe) run(message);
    });
    client.on('message_create', (message) => {
      if (message.fromMe) run(message);
    });
  };

  const connection = new WebConnection({
    factory: options.clientFactory ?? createBrowserClient,
    settings: { sessionDir: join(options.dataDir, SESSION_FOLDER), chromiumPath: settings.chromiumPath },
    logger,
    showQr: options.showQr ?? printQr,
    attach,
    connectTimeoutMs: options.connectTimeoutMs ?? 45_000,
    baseBackoffMs: options.baseBackoffMs ?? 2_000,
    maxBackoffMs: options.maxBackoffMs ?? 60_000,
  });

  const connected = (method: string): WebClient => {
    const client = connection.client;
    if (client === undefined) {
      const status = connection.status;
      throw new PlatformError({
        code: 'whatsapp_not_connected',
        method,
        retryable: status.state !== 'failed',
        message: `WhatsApp Web is not connected${'reason' in status ? `: ${status.reason}` : '.'}`,
      });
    }
    return client;
  };

  return {
    platform: 'whatsapp',
    limits: whatsappLimits(9, settings.progressMs),
    async start(eventSink, signal) {
      if (options.clientFactory === undefined && !existsSync(settings.chromiumPath)) {
        throw new SwitchboardError(
          'whatsapp_no_chromium',
          `WhatsApp web mode needs Chromium, and none was found at ${settings.chromiumPath}: install it (apt install chromium) or set WHATSAPP_CHROMIUM_PATH.`,
        );
      }
      sink = eventSink;
      signal.addEventListener('abort', () => void connection.stop(), { once: true });
      await connection.start();
      const status = connection.status;
      if (status.state === 'failed') throw new SwitchboardError('whatsapp_logged_out', status.reason);
      logger.info({ mode: 'web', state: status.state }, 'whatsapp web started');
    },
    status: () => connection.status,
    async post(to, message): Promise<SentMessage> {
      const chatId = fromWebAddress(to);
      if (chatId === undefined) throw bad('post');
      const client = connected('post');
      let text = toWhatsApp(message.text);
      if (message.buttons !== undefined && message.buttons.length > 0)
        text = approvals.bind(chatId, text, message.buttons, now());
      try {
        const sent = await send(client, chatId, text);
        return { platform: 'whatsapp', id: sent.id._serialized, address: to };
      } catch (error) {
        throw new PlatformError({
          code: 'whatsapp_send_failed',
          method: 'post',
          retryable: true,
          message: `WhatsApp Web could not send the message (${describeError(error)}).`,
          cause: error,
        });
      }
    },
    async edit() {
      throw new PlatformError({
        code: 'whatsapp_no_edit',
        method: 'edit',
        message: 'WhatsApp messages cannot be edited.',
      });
    },
    async typing(to) {
      const chatId = fromWebAddress(to);
      const client = connection.client;
      if (chatId === undefined || client === undefined) return;
      const chat = await client.getChatById(chatId);
      await chat.sendStateTyping();
    },
    stop: () => connection.stop(),
  };
}

/** The session connection alone, for `switchboard whatsapp link`. */
export { WebConnection } from './connection';
