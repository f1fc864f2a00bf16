import type { SentMessage } from '@switchboard/core';
import { postApproval } from './approval';
import { type DeliveryContext, logFields } from './context';
import { finalChunks, finalText, streamingChunks } from './render';
import type { ReplyEnd } from './reply-state';
import { backoffDelay, classifyFailure, failureFields, persist } from './retry';
import { editMessage, postFinal } from './send';

/** A message this request posted, and the text the platform shows in it. */
interface ShownMessage {
  readonly sent: SentMessage;
  text: string;
  /** Edits failed for good (the message was deleted…): its text goes to a new message instead. */
  unreachable: boolean;
}

/** The one platform call that brings the platform closer to what the reply should show now. */
type Step =
  | { readonly kind: 'post'; readonly text: string; readonly final: boolean }
  | { readonly kind: 'edit'; readonly message: ShownMessage; readonly text: string; readonly final: boolean };

/** Whether streaming updates still go out, and how many failed in a row. */
interface Streaming {
  paused: boolean;
  failures: number;
}

/**
 * Delivery by post and edit. From the first part: a placeholder message, then edits that follow the
 * streamed text — one platform call at a time, each started only after the previous one finished and
 * `minEditIntervalMs` after that (see {@link Pacer}), always with the newest text and never with text the
 * message already shows. Text beyond `maxLength` continues in new messages; the chunks before stay as
 * they are (splits are prefix-stable). At the end the messages are brought to exactly
 * `splitMessage(finalText)`, each call retried until it arrives.
 */
export async function deliverByEditing(context: DeliveryContext): Promise<void> {
  const { state } = context;
  const messages: ShownMessage[] = [];
  const streaming: Streaming = { paused: false, failures: 0 };
  for (;;) {
    const approval = state.approvals.shift();
    if (approval !== undefined) {
      await postApproval(context, approval);
      continue;
    }
    if (state.end !== undefined) {
      await deliverFinal(context, messages, state.end);
      return;
    }
    const step = streaming.paused ? undefined : nextStep(context, messages);
    if (step === undefined) {
      await state.changed(context.signal);
      continue;
    }
    if (!context.pacer.isReady) {
      // Parts arriving meanwhile only change the state; the step is chosen afresh once the wait is over.
      await context.pacer.ready(context.signal);
      continue;
    }
    await streamStep(context, messages, step, streaming);
  }
}

/** The first message whose text differs from what it should show now (or is missing). */
function nextStep(context: DeliveryContext, messages: readonly ShownMessage[]): Step | undefined {
  const chunks = streamingChunks(
    context.state,
    context.adapter.limits.maxLength,
    context.settings.placeholderText,
  );
  for (const [index, chunk] of chunks.entries()) {
    const shown = messages[index];
    if (shown === undefined) return { kind: 'post', text: chunk.text, final: chunk.final };
    if (!shown.unreachable && shown.text !== chunk.text)
      return { kind: 'edit', message: shown, text: chunk.text, final: chunk.final };
  }
  return undefined;
}

/**
 * One streaming update, attempted once. A rate limit holds the next call for its retry-after, other
 * retryable failures back off, and the update is never repeated as such: the next step is computed from
 * the newest text. A message that cannot be edited is left until the end; after a post fails for good, or
 * too many failures in a row, streaming updates stop and only the final text is delivered.
 */
async function streamStep(
  context: DeliveryContext,
  messages: ShownMessage[],
  step: Step,
  streaming: Streaming,
): Promise<void> {
  const message = { text: step.text, final: step.final };
  try {
    if (step.kind === 'post') {
      const sent = await context.adapter.post(context.address, message, context.signal);
      messages.push({ sent, text: step.text, unreachable: false });
    } else {
      await context.adapter.edit(step.message.sent, message, context.signal);
      step.message.text = step.text;
    }
    streaming.failures = 0;
    context.pacer.finished();
  } catch (error) {
    context.pacer.finished();
    context.signal.throwIfAborted();
    const failure = classifyFailure(error);
    const fields = logFields(context, { method: step.kind, ...failureFields(error) });
    if (failure.kind === 'not-modified') {
      if (step.kind === 'edit') step.message.text = step.text;
    } else if (failure.kind === 'rate-limited') {
      context.logger.debug({ ...fields, waitMs: failure.waitMs }, 'streaming update rate limited; waiting');
      context.pacer.holdFor(failure.waitMs);
    } else if (failure.kind === 'retryable' && streaming.failures + 1 < context.settings.retry.maxAttempts) {
      streaming.failures += 1;
      context.pacer.holdFor(backoffDelay(context.settings.retry, streaming.failures));
      context.logger.debug(fields, 'streaming update failed; retrying with newer text');
    } else if (failure.kind === 'fatal' && step.kind === 'edit') {
      step.message.unreachable = true;
      context.logger.warn(fields, 'message cannot be edited; its text will be posted anew at the end');
    } else {
      streaming.paused = true;
      context.logger.warn(fields, 'streaming updates stopped; only the final reply will be delivered');
    }
  }
}

/**
 * Bring the platform to show exactly `splitMessage(finalText)`: edit each message whose text differs,
 * post the chunks that have no message yet. When a message cannot be edited, its chunk and every later
 * one go to new messages, so the answer still reads in order; messages left over (stale streamed text)
 * get a short note pointing to the answer.
 */
async function deliverFinal(
  context: DeliveryContext,
  messages: ShownMessage[],
  end: ReplyEnd,
): Promise<void> {
  const chunks = finalChunks(finalText(end, context.state.text), context.adapter.limits.maxLength);
  let repostFrom: number | undefined;
  for (const [index, text] of chunks.entries()) {
    const shown = repostFrom === undefined ? messages[index] : undefined;
    if (shown !== undefined && !shown.unreachable) {
      if (shown.text === text) continue;
      try {
        await persist(context, 'edit', (signal) =>
          editMessage(context, shown.sent, { text, final: true }, signal),
        );
        shown.text = text;
        continue;
      } catch (error) {
        context.signal.throwIfAborted();
        shown.unreachable = true;
        context.logger.warn(
          logFields(context, failureFields(error)),
          'final edit failed; posting the text as a new message',
        );
      }
    }
    if (shown !== undefined) repostFrom = index;
    if ((await postFinal(context, text)) === undefined) return;
  }
  const stale = repostFrom === undefined ? messages.slice(chunks.length) : messages.slice(repostFrom + 1);
  const note = repostFrom === undefined ? '_(see the answer above)_' : '_(see the answer below)_';
  for (const message of stale) await retire(context, message, note);
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
