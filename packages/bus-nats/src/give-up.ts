import type { Bus, InboundEvent, Logger } from '@switchboard/core';
import type { GiveUp } from './options';

/** The `code` of the error part the default give-up hook sends. */
export const DELIVERY_FAILED = 'delivery_failed';

/**
 * The default of `onGiveUp`: log the event as failed and tell its user, through the gateway that
 * owns the conversation, that the request was dropped. Without a gateway stamp there is no one to tell.
 */
export function replyOnGiveUp(bus: Pick<Bus, 'publishReply'>, logger: Logger) {
  return async (event: InboundEvent, giveUp: GiveUp): Promise<void> => {
    logger.error(
      {
        eventId: event.id,
        attempts: giveUp.attempts,
        error: giveUp.error === undefined ? 'the worker stopped without answering' : String(giveUp.error),
      },
      'gave up on an inbound event',
    );
    if (event.gateway === undefined) return;
    await bus.publishReply(event.id, event.gateway, {
      type: 'error',
      code: DELIVERY_FAILED,
      message: `Sorry, this request could not be handled (it failed ${giveUp.attempts} ${giveUp.attempts === 1 ? 'time' : 'times'}), so it was dropped. Please send it again.`,
    });
  };
}
