import { type ControlMessage, conversationKey, type Logger } from '@switchboard/core';
import type { RequestContext } from '../pipeline/context';
import type { RunningTasks } from '../tasks/running';

/** Why a task stops when its client went away. */
export const ABANDONED_REASON = 'the client went away';

/**
 * The `abandon` action (ADR 0021): the client of the request `action.value` went away. Broadcast it on
 * the control lane so whichever worker runs the request stops it, or cancels it as it starts, and end
 * the action's own (unseen) reply so its delivery closes.
 */
export async function abandonRequest(context: RequestContext): Promise<void> {
  const { event, services, identity, reply } = context;
  await services.bus.publishControl({
    type: 'abandon',
    eventId: event.action?.value ?? '',
    conversationKey: conversationKey(event.conversation),
    by: identity,
  });
  await reply.send({ type: 'reply-end', text: 'Abandoned.', meta: {} });
}

/** React to an `abandon` control message on this worker. */
export function abandonRunning(
  running: RunningTasks,
  message: Extract<ControlMessage, { type: 'abandon' }>,
  logger: Logger,
): void {
  const stopped = running.abandon(message.eventId, message.conversationKey, ABANDONED_REASON);
  if (stopped !== undefined)
    logger.info({ eventId: message.eventId, taskId: stopped }, 'client went away; task cancelled');
}
