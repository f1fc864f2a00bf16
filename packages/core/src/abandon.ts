import type { InboundEvent, ReplyAddress } from './inbound';

/** The `action.id` of the event that says a request's client went away (ADR 0021). */
export const ABANDON_ACTION = 'abandon';

/**
 * The event an adapter hands its sink when the client of `request` went away before the answer ended
 * (only the web chat does: chat platforms keep their tasks). It is an `action`, so it rides the
 * conversation's control lane and never waits behind the task it stops; its `value` is the request's
 * event id. `reply` must be an address of its own, never the request's, so that its answer cannot reach
 * a later request that reuses the id.
 */
export function abandonEvent(request: InboundEvent, reply: ReplyAddress, receivedAt: Date): InboundEvent {
  return {
    id: `${request.id}#abandon`,
    kind: 'action',
    conversation: request.conversation,
    author: request.author,
    text: '',
    action: { id: ABANDON_ACTION, value: request.id },
    reply,
    receivedAt: receivedAt.toISOString(),
  };
}
