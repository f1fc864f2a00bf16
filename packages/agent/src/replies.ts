import type { Bus, InboundEvent, ReplyPart } from '@switchboard/core';

/** The gateway name used when an event was not stamped (one process). */
export const LOCAL_GATEWAY = 'local';

/** Sends the reply parts of one request back to the gateway that holds its platform connection. */
export interface ReplyChannel {
  send(part: ReplyPart): Promise<void>;
}

/** A {@link ReplyChannel} for `event` over `bus`. */
export function replyChannel(bus: Bus, event: InboundEvent): ReplyChannel {
  const owner = event.gateway ?? LOCAL_GATEWAY;
  return { send: (part) => bus.publishReply(event.id, owner, part) };
}
