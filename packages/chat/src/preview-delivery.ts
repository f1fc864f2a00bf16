import type { SentMessage } from '@switchboard/core';
import { postApproval } from './approval';
import { type DeliveryContext, logFields } from './context';
import { finalChunks, finalText, regionOf, streamingChunks } from './render';
import { backoffDelay, classifyFailure, failureFields, gated } from './retry';
import { postFinal } from './send';

/**
 * Delivery through the adapter's live preview (Telegram drafts): the preview follows the streamed text —
 * one update at a time, at the request's pace and the adapter's rate gate, always the newest text —
 * approvals are posted as they come, and the final text is posted as messages, in order, each retried
 * until it arrives. Resolves false, having posted nothing, when the adapter declined the first preview
 * (the engine then posts and edits); a later refusal or failure only stops the previews.
 */
export async function deliverWithPreview(context: DeliveryContext): Promise<boolean> {
  const { state, adapter } = context;
  let shown: string | undefined;
  let previewing = true;
  let declinable = true;
  let failures = 0;
  for (;;) {
    const approval = state.approvals.shift();
    if (approval !== undefined) {
      await postApproval(context, approval.part);
      continue;
    }
    if (state.end !== undefined) {
      await postFinalText(context);
      return true;
    }
    const wanted = previewText(context);
    if (!previewing || wanted === shown) {
      await state.changed(context.signal);
      continue;
    }
    if (!context.pacer.isReady) {
      await context.pacer.wait(context.address, context.signal);
      continue;
    }
    try {
      const preview = async (signal: AbortSignal) =>
        (await adapter.preview?.(context.address, wanted, signal)) === true;
      const applied = await gated(context, 'preview', preview);
      if (!applied && declinable) return false;
      if (!applied) previewing = false;
      shown = wanted;
      failures = 0;
    } catch (error) {
      context.signal.throwIfAborted();
      const failure = classifyFailure(error);
      const fields = logFields(context, { method: 'preview', ...failureFields(error) });
      if (failure.kind === 'retryable' && ++failures < context.settings.retry.maxAttempts)
        context.pacer.holdFor(backoffDelay(context.settings.retry, failures));
      else if (failure.kind !== 'rate-limited') {
        previewing = false;
        context.logger.debug(fields, 'preview failed; the final text will be posted');
      }
    }
    declinable = false;
  }
}

/** The preview shows the last message's worth of the streamed text, or the status or placeholder. */
function previewText(context: DeliveryContext): string {
  const chunks = streamingChunks(
    context.state,
    regionOf(context.state.text, 0),
    context.adapter.limits.maxLength,
    context.settings.placeholderText,
  );
  return chunks.at(-1)?.text ?? context.settings.placeholderText;
}

async function postFinalText(context: DeliveryContext): Promise<void> {
  const { state } = context;
  if (state.end === undefined) return;
  const texts = finalChunks(finalText(state.end, state.text), context.adapter.limits.maxLength);
  const posted: SentMessage[] = [];
  for (const text of texts) {
    const sent = await postFinal(context, text);
    if (sent === undefined) return;
    posted.push(sent);
    context.journal.sent(context.requestId, posted);
  }
}
