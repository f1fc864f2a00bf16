import type { OutboundMessage, ReplyMeta, SentMessage } from '@switchboard/core';
import { type DeliveryContext, logFields } from './context';
import { classifyFailure, failureFields, persist } from './retry';

/** Edit a message, counting "message is not modified" as success: the platform already shows the text. */
export async function editMessage(
  context: DeliveryContext,
  sent: SentMessage,
  message: OutboundMessage,
  signal: AbortSignal,
): Promise<void> {
  try {
    await context.adapter.edit(sent, message, signal);
  } catch (error) {
    if (classifyFailure(error).kind !== 'not-modified') throw error;
  }
}

/**
 * Post one message that must arrive (final text), retried per the retry policy. Returns the sent
 * message, or undefined after logging an error when it could not be delivered.
 */
export async function postFinal(
  context: DeliveryContext,
  text: string,
  meta?: ReplyMeta,
): Promise<SentMessage | undefined> {
  const message = { text, final: true, ...(meta === undefined ? {} : { meta }) };
  try {
    return await persist(context, 'post', (signal) => context.adapter.post(context.address, message, signal));
  } catch (error) {
    context.signal.throwIfAborted();
    context.logger.error(logFields(context, failureFields(error)), 'final reply could not be delivered');
    return undefined;
  }
}
