import {
  type ChatAdapter,
  type ConnectionStatus,
  describeError,
  type EventSink,
  type Logger,
  PlatformError,
  RecentIds,
  type SentMessage,
  type SinkResult,
  SwitchboardError,
  sleep,
  type WhatsAppCloudSettings,
} from '@switchboard/core';
import { TEXT_ONLY, whatsappLimits } from '../shared';
import { fromCloudAddress } from './address';
import { GRAPH_CODES, TOKEN_REFUSED } from './errors';
import { cloudEvent } from './events';
import { GraphClient } from './graph';
import type { InboundItem, ParsedWebhook } from './parse';
import { CloudSender } from './send';
import { type IngestOutcome, webhookRoutes } from './webhook';
import { CustomerWindows } from './window';

/** Where Meta delivers webhooks on the box's server. */
export const WEBHOOK_PATH = '/whatsapp/webhook';

/** How often an unreachable Graph API is tried again after start. */
const RECHECK_MS = 30_000;
/** How many answered media message ids are remembered, so a redelivery is not answered twice. */
const MEDIA_MEMORY = 1000;
/** The longest the webhook waits for the bus before asking Meta to deliver again. */
const HAND_OVER_TIMEOUT_MS = 5_000;

/** Options of {@link createCloudAdapter}. */
export interface CloudAdapterOptions {
  readonly settings: Omit<WhatsAppCloudSettings, 'mode'> & { readonly progressMs: number };
  readonly logger: Logger;
  /** True for senders the configuration admits (owners and WHATSAPP_ALLOWED_USERS): they get the media reply. */
  readonly mayUse: (waId: string) => boolean;
  /** The clock for the 24-hour window (tests pass a fake one). */
  readonly now?: () => number;
}

/** What a hand-over that outlived the timeout counts as: Meta is asked to deliver again. */
const BUS_TOO_SLOW: SinkResult = { status: 'busy', retryAfterMs: 1000 };

/** `promise`'s value, or `fallback` once `ms` have passed (the promise keeps running; its failure is dropped). */
async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The log line for a failed status Meta reports later, plain about the two codes users meet most. */
function undeliveredLine(code: number | undefined): string {
  if (code === GRAPH_CODES.outsideWindow)
    return 'whatsapp: Meta did not deliver a reply: the user had not written for more than 24 hours (131047)';
  if (code === GRAPH_CODES.undeliverable)
    return 'whatsapp: Meta could not deliver a reply: the number may not use WhatsApp or has not accepted the latest terms (131026)';
  return 'whatsapp: Meta reports a message that was not delivered';
}

const bad = (method: string, message: string) =>
  new PlatformError({ code: 'whatsapp_bad_address', method, message });

/**
 * WhatsApp over the official Cloud API: Meta's webhook in (`/whatsapp/webhook`, signature-checked), the
 * Graph API out. The engine sees primitives only: post (text or up to 3 reply buttons), typing; no edits.
 */
export function createCloudAdapter(options: CloudAdapterOptions): ChatAdapter {
  const { settings, logger } = options;
  const now = options.now ?? Date.now;
  const graph = new GraphClient(settings);
  const windows = new CustomerWindows();
  const sender = new CloudSender({ graph, windows, logger, now, template: settings.template });
  const mediaAnswered = new RecentIds(MEDIA_MEMORY);
  const flushes = new Map<string, Promise<void>>();
  const stopping = new AbortController();
  let sink: EventSink | undefined;
  let status: ConnectionStatus = { state: 'connecting' };

  const flushFor = (waId: string): Promise<void> => {
    const next = (flushes.get(waId) ?? Promise.resolve())
      .then(() => sender.flushHeld(waId, stopping.signal))
      .finally(() => {
        if (flushes.get(waId) === next) flushes.delete(waId);
      });
    flushes.set(waId, next);
    return next;
  };

  const answerMedia = async (item: InboundItem) => {
    if (!options.mayUse(item.from) || mediaAnswered.seen(item.id)) {
      logger.info({ type: item.content.kind }, 'whatsapp: media message ignored');
      return;
    }
    try {
      await graph.sendText(item.from, TEXT_ONLY, stopping.signal);
    } catch (error) {
      logger.warn({ error: describeError(error) }, 'whatsapp: the "text only" answer could not be sent');
    }
  };

  const handOver = async (item: InboundItem): Promise<SinkResult> => {
    const target = sink;
    if (target === undefined) return { status: 'busy', retryAfterMs: 5000 };
    const event = cloudEvent(item, new Date(now()));
    if (event === undefined) {
      if (item.content.kind === 'media') await answerMedia(item);
      else logger.info({ type: item.content.kind }, 'whatsapp: message not for the box ignored');
      return { status: 'ignored', reason: item.content.kind };
    }
    return target(event);
  };

  const ingest = async (parsed: Extract<ParsedWebhook, { ok: true }>): Promise<IngestOutcome> => {
    for (const failure of parsed.failures) {
      logger.warn({ code: failure.code, reason: failure.title }, undeliveredLine(failure.code));
    }
    let retryAfterMs = 0;
    for (const item of parsed.messages) {
      if (item.phoneNumberId !== settings.phoneNumberId) {
        logger.info({}, 'whatsapp: a message for another phone number id ignored');
        continue;
      }
      windows.wrote(item.from, item.sentAt);
      await within(flushFor(item.from), HAND_OVER_TIMEOUT_MS, undefined);
      const result = await within(handOver(item), HAND_OVER_TIMEOUT_MS, BUS_TOO_SLOW);
      if (result.status === 'busy') retryAfterMs = Math.max(retryAfterMs, result.retryAfterMs);
    }
    return retryAfterMs > 0
      ? { status: 503, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) }
      : { status: 200 };
  };

  const checkToken = async (): Promise<'ok' | 'refused' | 'unreachable'> => {
    try {
      await graph.phoneNumber(stopping.signal);
      status = { state: 'connected' };
      return 'ok';
    } catch (error) {
      if (PlatformError.isInstance(error) && error.code === TOKEN_REFUSED) {
        status = { state: 'failed', reason: error.message };
        return 'refused';
      }
      const attempts = status.state === 'retrying' ? status.attempts + 1 : 1;
      status = { state: 'retrying', reason: describeError(error), attempts };
      return 'unreachable';
    }
  };

  const keepChecking = async () => {
    while (!stopping.signal.aborted && status.state === 'retrying') {
      await sleep(RECHECK_MS, stopping.signal).catch(() => undefined);
      if (!stopping.signal.aborted) await checkToken();
    }
  };

  return {
    platform: 'whatsapp',
    limits: whatsappLimits(3, settings.progressMs),
    routes: () =>
      webhookRoutes({
        path: WEBHOOK_PATH,
        appSecret: settings.appSecret,
        verifyToken: settings.verifyToken,
        logger,
        ingest,
      }),
    async start(eventSink, signal) {
      signal.addEventListener('abort', () => stopping.abort(), { once: true });
      const outcome = await checkToken();
      if (outcome === 'refused') {
        throw new SwitchboardError(
          'whatsapp_token_refused',
          `WhatsApp refused the settings: ${status.state === 'failed' ? status.reason : ''} The token must have whatsapp_business_messaging and WHATSAPP_PHONE_NUMBER_ID must belong to it.`,
        );
      }
      sink = eventSink;
      if (outcome === 'unreachable') {
        logger.warn(
          { reason: status.state === 'retrying' ? status.reason : '' },
          'whatsapp: Graph API unreachable; webhooks are still received, retrying the check',
        );
        void keepChecking();
      }
      logger.info({ mode: 'cloud' }, 'whatsapp ready');
    },
    status: () => status,
    async post(to, message, signal): Promise<SentMessage> {
      const address = fromCloudAddress(to);
      if (address === undefined) throw bad('post', 'Not a WhatsApp Cloud API reply address.');
      const outcome = await sender.post(address, message, signal);
      return { platform: 'whatsapp', id: 'sent' in outcome ? outcome.sent : 'held', address: to };
    },
    async edit() {
      throw new PlatformError({
        code: 'whatsapp_no_edit',
        method: 'edit',
        message: 'WhatsApp messages cannot be edited.',
      });
    },
    async typing(to, signal) {
      const address = fromCloudAddress(to);
      if (address === undefined || !windows.isOpen(address.waId, now(), address.wroteAt)) return;
      await graph.typing(address.messageId, signal);
    },
    async stop() {
      stopping.abort();
      sink = undefined;
      status = { state: 'stopped' };
    },
  };
}
