import { postApproval } from './approval';
import { type DeliveryContext, logFields } from './context';
import { now } from './pacer';
import { finalChunks, finalText, renderStatus } from './render';
import { failureFields, gated } from './retry';
import { postFinal } from './send';

/** What a progress message says when the reply has no status line yet. */
export const STILL_WORKING = 'Still working on it…';

/**
 * Delivery for platforms that cannot edit (WhatsApp): "typing…" from the first part and renewed every
 * `typingIntervalMs` (the adapter's own, else the engine's) until the end, approvals as they come, a
 * short progress message at most every `progressIntervalMs` where the adapter asks for them, then the
 * final text as posts, in order. Streamed text is not shown: each message is one the user cannot take back.
 */
export async function deliverWithTyping(context: DeliveryContext): Promise<void> {
  const { state, adapter } = context;
  const typingEvery = adapter.limits.typingIntervalMs ?? context.settings.typingIntervalMs;
  const progressEvery = adapter.limits.progressIntervalMs;
  let typingDueAt = adapter.typing === undefined ? Number.POSITIVE_INFINITY : 0;
  let progressDueAt =
    progressEvery === undefined || progressEvery <= 0 ? Number.POSITIVE_INFINITY : now() + progressEvery;
  for (;;) {
    const approval = state.approvals.shift();
    if (approval !== undefined) {
      await postApproval(context, approval.part);
      continue;
    }
    if (state.end !== undefined) {
      const texts = finalChunks(finalText(state.end, state.text), adapter.limits.maxLength);
      const posted = [...context.resumed];
      for (const text of texts.slice(context.resumed.length)) {
        const sent = await postFinal(context, text);
        if (sent === undefined) return;
        posted.push(sent);
        context.journal.sent(context.requestId, posted);
      }
      return;
    }
    if (now() >= progressDueAt) {
      await postProgress(context);
      progressDueAt = now() + (progressEvery ?? 0);
      typingDueAt = 0;
      continue;
    }
    if (now() >= typingDueAt) {
      await showTyping(context);
      typingDueAt = now() + typingEvery;
      continue;
    }
    const nextDueAt = Math.min(typingDueAt, progressDueAt);
    await state.changed(context.signal, Number.isFinite(nextDueAt) ? nextDueAt - now() : undefined);
  }
}

async function showTyping(context: DeliveryContext): Promise<void> {
  try {
    await gated(context, 'typing', async (signal) => context.adapter.typing?.(context.address, signal));
  } catch (error) {
    context.signal.throwIfAborted();
    context.logger.debug(logFields(context, failureFields(error)), 'typing indicator failed');
  }
}

/** One short "still working" message; best effort (a lost one is replaced by the next). */
async function postProgress(context: DeliveryContext): Promise<void> {
  const text = renderStatus(context.state.status ?? STILL_WORKING, context.adapter.limits.maxLength);
  try {
    await gated(context, 'post', (signal) =>
      context.adapter.post(context.address, { text, final: true }, signal),
    );
  } catch (error) {
    context.signal.throwIfAborted();
    context.logger.debug(logFields(context, failureFields(error)), 'progress message failed');
  }
}
