import type { ReplyMeta, SentMessage } from '@switchboard/core';
import { approvalMessages, warnExtraChoices } from './approval';
import { type DeliveryContext, logFields } from './context';
import {
  type DisplayChunk,
  EMPTY_REPLY_TEXT,
  finalRegionChunks,
  finalText,
  regionOf,
  streamingChunks,
} from './render';
import type { PendingApproval, ReplyEnd } from './reply-state';
import { backoffDelay, classifyFailure, failureFields, gated, persist } from './retry';
import { editMessage, postFinal } from './send';

/** A message this request posted, and what it shows. */
interface ShownMessage {
  readonly sent: SentMessage;
  text: string;
  /** The reply text it shows, from offset `from` ('' for a status line, placeholder or note). */
  source: string;
  from: number;
  /** Edits failed for good (the message was deleted…): its text goes to a new message instead. */
  unreachable: boolean;
}

/**
 * What the platform shows of the reply. `live` messages show the reply text from `base` on and are
 * edited as it grows; `sealed` ones show the text before `base` and are never edited again (an approval
 * was posted below them, or the platform closed their edit window); `abandoned` ones could not be
 * edited and get a note pointing to the answer at the end, best effort.
 */
interface View {
  base: number;
  live: ShownMessage[];
  readonly sealed: SentMessage[];
  readonly abandoned: ShownMessage[];
}

/** The one platform call that brings the platform closer to what the reply should show now. */
type Step =
  | { readonly kind: 'post'; readonly chunk: DisplayChunk }
  | { readonly kind: 'edit'; readonly message: ShownMessage; readonly chunk: DisplayChunk };

/** Whether streaming updates still go out, and how many failed in a row. */
interface Streaming {
  paused: boolean;
  failures: number;
}

/**
 * Delivery by post and edit. From the first part: a placeholder message, then edits that follow the
 * streamed text — one platform call at a time, each started only after the previous one finished, the
 * request's `minEditIntervalMs` after that and when the adapter's rate gate allows it, always with the
 * newest text and never with text the message already shows. Text beyond `maxLength` continues in new
 * messages; the chunks before stay as they are (splits are prefix-stable). An approval request goes
 * below the text streamed before it, and the reply continues below the approval. At the end the live
 * messages are brought to exactly the split final text, each call retried until it arrives.
 */
export async function deliverByEditing(context: DeliveryContext): Promise<void> {
  const { state } = context;
  const view: View = {
    base: 0,
    live: context.resumed.map((sent) => ({ sent, text: '', source: '', from: 0, unreachable: false })),
    sealed: [],
    abandoned: [],
  };
  const streaming: Streaming = { paused: false, failures: 0 };
  for (;;) {
    const approval = state.approvals.shift();
    if (approval !== undefined) {
      await deliverApproval(context, view, approval);
      continue;
    }
    if (state.end !== undefined) {
      await deliverFinal(context, view, state.end);
      return;
    }
    const step = streaming.paused ? undefined : nextStep(context, view);
    if (step === undefined) {
      await state.changed(context.signal);
      continue;
    }
    if (!context.pacer.isReady) {
      // Parts arriving meanwhile only change the state; the step is chosen afresh once the wait is over.
      await context.pacer.wait(context.address, context.signal);
      continue;
    }
    await streamStep(context, view, step, streaming);
  }
}

/** The first live message whose text differs from what it should show now (or is missing). */
function nextStep(context: DeliveryContext, view: View): Step | undefined {
  const region = regionOf(context.state.text, view.base);
  const chunks = streamingChunks(
    context.state,
    region,
    context.adapter.limits.maxLength,
    context.settings.placeholderText,
  );
  for (const [index, chunk] of chunks.entries()) {
    const shown = view.live[index];
    if (shown === undefined) return { kind: 'post', chunk };
    if (!shown.unreachable && shown.text !== chunk.text) return { kind: 'edit', message: shown, chunk };
  }
  return undefined;
}

/**
 * One streaming update, attempted once. A rate limit holds the next call for its retry-after, other
 * retryable failures back off, and the update is never repeated as such: the next step is computed from
 * the newest text. A message whose edit window closed is sealed; one that cannot be edited is left until
 * the end; after a post fails for good, or too many failures in a row, streaming updates stop and only
 * the final text is delivered.
 */
async function streamStep(
  context: DeliveryContext,
  view: View,
  step: Step,
  streaming: Streaming,
): Promise<void> {
  const message = { text: step.chunk.text, final: step.chunk.final };
  try {
    if (step.kind === 'post') {
      const sent = await gated(context, 'post', (signal) =>
        context.adapter.post(context.address, message, signal),
      );
      view.live.push(shown(sent, step.chunk));
      record(context, view);
    } else {
      const { sent } = step.message;
      await gated(context, 'edit', (signal) => context.adapter.edit(sent, message, signal));
      show(step.message, step.chunk);
    }
    streaming.failures = 0;
  } catch (error) {
    context.signal.throwIfAborted();
    const failure = classifyFailure(error);
    const fields = logFields(context, { method: step.kind, ...failureFields(error) });
    if (failure.kind === 'not-modified') {
      if (step.kind === 'edit') show(step.message, step.chunk);
    } else if (failure.kind === 'rate-limited') {
      context.logger.debug({ ...fields, waitMs: failure.waitMs }, 'streaming update rate limited; waiting');
    } else if (failure.kind === 'retryable' && streaming.failures + 1 < context.settings.retry.maxAttempts) {
      streaming.failures += 1;
      context.pacer.holdFor(backoffDelay(context.settings.retry, streaming.failures));
      context.logger.debug(fields, 'streaming update failed; retrying with newer text');
    } else if (failure.kind === 'window-closed' && step.kind === 'edit') {
      seal(context, view, step.message, context.state.text);
      context.logger.debug(fields, 'message can no longer be edited; the reply continues below it');
    } else if (failure.kind !== 'retryable' && step.kind === 'edit') {
      step.message.unreachable = true;
      context.logger.warn(fields, 'message cannot be edited; its text will be posted anew at the end');
    } else {
      streaming.paused = true;
      context.logger.warn(fields, 'streaming updates stopped; only the final reply will be delivered');
    }
  }
}

/**
 * Keep `message` and the live messages before it as they are, and continue the reply after the text
 * it shows. A message that shows no reply text (a status line), or text the reply no longer starts with,
 * is abandoned instead: the reply continues where the messages before it end.
 */
function seal(context: DeliveryContext, view: View, message: ShownMessage, text: string): void {
  const index = view.live.indexOf(message);
  if (index < 0) return;
  const keeps =
    message.source !== '' &&
    text.slice(message.from, message.from + message.source.length) === message.source;
  const kept = view.live.slice(0, keeps ? index + 1 : index);
  const last = kept.at(-1);
  view.sealed.push(...kept.map((shownMessage) => shownMessage.sent));
  view.abandoned.push(...view.live.slice(kept.length));
  if (last !== undefined && last.source !== '') view.base = last.from + last.source.length;
  view.live = [];
  record(context, view);
}

/**
 * Post an approval request below the text streamed before it: the live messages first show exactly
 * that text (a message showing only a status line becomes the request itself), then they are sealed so
 * the reply continues below the request.
 */
async function deliverApproval(
  context: DeliveryContext,
  view: View,
  approval: PendingApproval,
): Promise<void> {
  if (!(await settle(context, view, context.state.text, approval.at))) return;
  const { limits } = context.adapter;
  warnExtraChoices(context, approval.part);
  const messages = approvalMessages(approval.part, limits.maxLength, limits.maxButtons);
  const first = view.live[0];
  const reuse = view.live.length === 1 && first?.source === '' && !first.unreachable ? first : undefined;
  for (const message of view.live) {
    if (message === reuse || !message.unreachable) view.sealed.push(message.sent);
    else view.abandoned.push(message);
  }
  view.live = [];
  view.base = Math.max(view.base, approval.at);
  for (const [index, message] of messages.entries()) {
    try {
      if (index === 0 && reuse !== undefined) {
        await persist(context, 'edit', (signal) => editMessage(context, reuse.sent, message, signal));
        continue;
      }
      const sent = await persist(context, 'post', (signal) =>
        context.adapter.post(context.address, message, signal),
      );
      view.sealed.push(sent);
      record(context, view);
    } catch (error) {
      context.signal.throwIfAborted();
      context.logger.error(
        logFields(context, { approvalId: approval.part.approvalId, ...failureFields(error) }),
        'approval request could not be delivered',
      );
      return;
    }
  }
}

/**
 * Bring the platform to show the final text: the live messages become exactly the split text after
 * `base` (or a short note when the reply has no text at all), messages left over get a note pointing
 * to the answer.
 */
async function deliverFinal(context: DeliveryContext, view: View, end: ReplyEnd): Promise<void> {
  const text = wholeFinalText(context, view, end);
  if (!(await settle(context, view, text, text.length, end))) return;
  for (const message of view.abandoned) await retire(context, message, '_(see the answer below)_');
}

/**
 * The whole final text. When the sealed messages show text the final text does not start with (the
 * model rewrote its answer), the final text follows what they show, since those cannot change.
 */
function wholeFinalText(context: DeliveryContext, view: View, end: ReplyEnd): string {
  const text = finalText(end, context.state.text);
  const frozen = context.state.text.slice(0, view.base);
  if (view.base === 0 || text.startsWith(frozen)) return text;
  return `${frozen}\n\n${text}`;
}

/**
 * Make the live messages show exactly `text` from `base` up to `limit`, split into messages: edit each
 * whose text differs, post the chunks that have no message yet, each retried until it arrives. A
 * message whose edit window closed is sealed and the rest is split afresh after it; when a message
 * cannot be edited, its chunk and every later one go to new messages, so the reply still reads in
 * order. With `end` (the final text) live messages beyond the chunks get a note, and a reply with no
 * text at all shows {@link EMPTY_REPLY_TEXT}; before an approval a lone status line stays live. False
 * when a message could not be delivered at all (logged).
 */
async function settle(
  context: DeliveryContext,
  view: View,
  text: string,
  limit: number,
  end?: ReplyEnd,
): Promise<boolean> {
  const maxLength = context.adapter.limits.maxLength;
  for (;;) {
    const region = regionOf(text, view.base, limit);
    const blank = region.text.trim() === '';
    const chunks =
      blank && end !== undefined && view.sealed.length === 0
        ? [{ text: EMPTY_REPLY_TEXT.slice(0, maxLength), final: true, source: '', from: region.from }]
        : finalRegionChunks(region, maxLength);
    const outcome = await settleChunks(context, view, chunks, text, end);
    if (outcome === 'failed') return false;
    if (outcome === 'resplit') continue;
    if (end === undefined && chunks.length === 0) return true;
    const leftover = view.live.splice(chunks.length);
    if (end === undefined) view.abandoned.push(...leftover);
    else for (const message of leftover) await retire(context, message, '_(see the answer above)_');
    return true;
  }
}

/** One pass of {@link settle}; `resplit` after a message was sealed. */
async function settleChunks(
  context: DeliveryContext,
  view: View,
  chunks: readonly DisplayChunk[],
  text: string,
  end: ReplyEnd | undefined,
): Promise<'done' | 'resplit' | 'failed'> {
  let repostFrom: number | undefined;
  for (const [index, chunk] of chunks.entries()) {
    const meta = footerOf(context, end, index === chunks.length - 1);
    const message = { text: chunk.text, final: true, ...(meta === undefined ? {} : { meta }) };
    const shownMessage = repostFrom === undefined ? view.live[index] : undefined;
    if (shownMessage !== undefined && !shownMessage.unreachable) {
      if (shownMessage.text === chunk.text && meta === undefined) {
        show(shownMessage, chunk);
        continue;
      }
      try {
        await persist(context, 'edit', (signal) => editMessage(context, shownMessage.sent, message, signal));
        show(shownMessage, chunk);
        continue;
      } catch (error) {
        context.signal.throwIfAborted();
        if (classifyFailure(error).kind === 'window-closed') {
          seal(context, view, shownMessage, text);
          return 'resplit';
        }
        shownMessage.unreachable = true;
        context.logger.warn(
          logFields(context, failureFields(error)),
          'final edit failed; posting the text as a new message',
        );
      }
    }
    if (shownMessage !== undefined && repostFrom === undefined) {
      repostFrom = index;
      view.abandoned.push(...view.live.splice(index));
    }
    const sent = await postFinal(context, chunk.text, meta);
    if (sent === undefined) return 'failed';
    view.live.push(shown(sent, chunk));
    record(context, view);
  }
  return 'done';
}

/** The meta the last final message carries, for adapters that show a footer. */
function footerOf(context: DeliveryContext, end: ReplyEnd | undefined, last: boolean): ReplyMeta | undefined {
  if (!last || end?.kind !== 'reply' || context.adapter.limits.footer !== true) return undefined;
  return end.meta !== undefined && Object.keys(end.meta).length > 0 ? end.meta : undefined;
}

function shown(sent: SentMessage, chunk: DisplayChunk): ShownMessage {
  return { sent, text: chunk.text, source: chunk.source, from: chunk.from, unreachable: false };
}

function show(message: ShownMessage, chunk: DisplayChunk): void {
  message.text = chunk.text;
  message.source = chunk.source;
  message.from = chunk.from;
}

/** Tell the journal which messages the reply shows now, in order. */
function record(context: DeliveryContext, view: View): void {
  context.journal.sent(context.requestId, [...view.sealed, ...view.live.map((message) => message.sent)]);
}

/** Replace a leftover message's stale text with a note; best effort. */
async function retire(context: DeliveryContext, message: ShownMessage, note: string): Promise<void> {
  if (message.unreachable || message.text === note) return;
  try {
    await persist(context, 'edit', (signal) =>
      editMessage(context, message.sent, { text: note, final: true }, signal),
    );
    message.text = note;
  } catch (error) {
    context.signal.throwIfAborted();
    context.logger.debug(logFields(context, failureFields(error)), 'leftover message could not be edited');
  }
}
