import type { EventSink, Logger, RecentIds, SinkResult } from '@switchboard/core';
import { fromAddress } from './address';
import type { CallbackData } from './callback-data';
import { type DraftSupport, sendDraft } from './drafts';
import { classify, retryAfterMs } from './errors';
import { type BotIdentity, type Ingress, normalizeUpdate } from './normalize';
import { type SendContext, typing } from './send';

/** What turning an update into a bus event needs. */
export interface IngestContext {
  readonly send: SendContext;
  readonly drafts: DraftSupport;
  readonly callbacks: CallbackData;
  readonly logger: Logger;
  /** The bot's identity, once getMe answered. */
  identity(): BotIdentity | undefined;
  /** The gateway's sink, once the adapter started. */
  sink(): EventSink | undefined;
  /** Aborted when the adapter stops. */
  readonly lifetime: AbortSignal;
  /** Updates already acknowledged by this process. */
  /** Update ids recently acknowledged, so a redelivery shows no second "Thinking…". */
  readonly acknowledged: RecentIds;
}

/** The adapter cannot take updates yet (getMe has not answered, or it is not started). */
export class NotReadyError extends Error {
  override readonly name = 'NotReadyError';
}

/**
 * One update, start to finish on the ingress side: normalize it, acknowledge it to the user — a request
 * shows "Thinking…" (a draft, private chats) or "typing…" — and hand the event to the sink (the bus); a
 * button press is answered (answerCallbackQuery) once the bus has it. Resolves with the sink's verdict, which decides
 * whether the update may be confirmed; rejects when the sink failed (the update must come again).
 * Never calls a model and never waits for one.
 */
export async function ingest(context: IngestContext, update: unknown): Promise<SinkResult> {
  const identity = context.identity();
  const sink = context.sink();
  if (identity === undefined || sink === undefined)
    throw new NotReadyError('The Telegram adapter is not ready yet.');
  const ingress: Ingress = normalizeUpdate(update, identity, context.callbacks);
  if (ingress.kind === 'ignored') {
    context.logger.debug({ updateId: ingress.updateId, reason: ingress.reason }, 'telegram update ignored');
    if (ingress.callbackQueryId !== undefined)
      answerQuery(context, ingress.callbackQueryId, 'This button is no longer active.');
    return { status: 'ignored', reason: ingress.reason };
  }
  // The acknowledgement goes out before the sink is awaited: once the event is on the bus, the worker's
  // first steps (database writes) may hold the thread for milliseconds, and the user should not wait for
  // them to see "Thinking…". An update this process already acknowledged is not acknowledged again.
  // Yielding one turn of the event loop lets the acknowledgement's request reach the socket first.
  if (ingress.callbackQueryId === undefined && !context.acknowledged.seen(String(ingress.updateId))) {
    acknowledge(context, ingress);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const result = await sink(ingress.event);
  if (ingress.callbackQueryId !== undefined) {
    const busy =
      result.status === 'busy'
        ? `The box is busy; press again in ${Math.ceil(result.retryAfterMs / 1000)} s.`
        : undefined;
    answerQuery(context, ingress.callbackQueryId, busy);
  }
  return result;
}

function answerQuery(context: IngestContext, id: string, text: string | undefined): void {
  context.send.client
    .call(
      'answerCallbackQuery',
      { callback_query_id: id, ...(text !== undefined ? { text } : {}) },
      context.lifetime,
    )
    .catch((error: unknown) =>
      context.logger.debug({ failure: classify(error) }, 'answerCallbackQuery failed'),
    );
}

/** "Thinking…" as a draft in private chats (the same draft the answer then streams into), else typing. */
function acknowledge(context: IngestContext, ingress: Extract<Ingress, { kind: 'event' }>): void {
  const { send, drafts } = context;
  const target = fromAddress(ingress.event.reply, 'sendMessageDraft');
  const useDraft =
    drafts.enabled &&
    drafts.supported !== false &&
    target.chatType === 'private' &&
    target.draftId !== undefined &&
    send.limiter.editIdle(target.chatId);
  const ack = (async () => {
    if (useDraft) {
      try {
        await send.limiter.edit(
          target.chatId,
          () => sendDraft(send, target, '', context.lifetime),
          context.lifetime,
        );
        drafts.supported = true;
        return;
      } catch (error) {
        const kind = classify(error);
        if (kind === 'rate-limited') send.limiter.hold(target.chatId, retryAfterMs(error) ?? 5000);
        if (kind === 'unsupported' || kind === 'bad-request') {
          drafts.supported = false;
          context.logger.info(
            { failure: kind },
            'Telegram refused message drafts; replies will be posted and edited',
          );
        }
        if (kind === 'aborted' || kind === 'rate-limited') return;
      }
    }
    await typing(send, ingress.event.reply, context.lifetime);
  })().catch(() => undefined);
  send.acks.set(target.chatId, ack);
  void ack.finally(() => {
    if (send.acks.get(target.chatId) === ack) send.acks.delete(target.chatId);
  });
}
