import { postApproval } from './approval';
import { type DeliveryContext, logFields } from './context';
import { now } from './pacer';
import { finalChunks, finalText } from './render';
import { failureFields } from './retry';
import { postFinal } from './send';

/**
 * Delivery for platforms that cannot edit (WhatsApp): "typing…" from the first part and renewed every
 * `typingIntervalMs` until the end, approvals as they come, then the final text as posts, in order.
 * Status lines and streamed text are not shown: each would be a message the user cannot take back.
 */
export async function deliverWithTyping(context: DeliveryContext): Promise<void> {
  const { state, adapter } = context;
  let typingDueAt = adapter.typing === undefined ? Number.POSITIVE_INFINITY : 0;
  for (;;) {
    const approval = state.approvals.shift();
    if (approval !== undefined) {
      await postApproval(context, approval);
      continue;
    }
    if (state.end !== undefined) {
      for (const text of finalChunks(finalText(state.end, state.text), adapter.limits.maxLength)) {
        if ((await postFinal(context, text)) === undefined) return;
      }
      return;
    }
    if (now() >= typingDueAt) {
      await showTyping(context);
      typingDueAt = now() + context.settings.typingIntervalMs;
      continue;
    }
    await state.changed(context.signal, Number.isFinite(typingDueAt) ? typingDueAt - now() : undefined);
  }
}

async function showTyping(context: DeliveryContext): Promise<void> {
  try {
    await context.adapter.typing?.(context.address, context.signal);
  } catch (error) {
    context.signal.throwIfAborted();
    context.logger.debug(logFields(context, failureFields(error)), 'typing indicator failed');
  }
}
