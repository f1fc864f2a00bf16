import { CONTROL_COMMANDS, isCommandName } from './commands';
import { conversationKey } from './conversation';
import type { InboundEvent } from './inbound';

/**
 * The key a bus orders events by. Events of one conversation are handled strictly in order, except
 * control commands and button presses, which take a separate lane so `/cancel` or an approval never
 * waits behind the answer it is meant to stop or unblock.
 */
export function orderingKey(event: InboundEvent): string {
  const key = conversationKey(event.conversation);
  if (event.kind === 'action') return `${key}#control`;
  const name = event.command?.name;
  if (name !== undefined && isCommandName(name) && CONTROL_COMMANDS.has(name)) return `${key}#control`;
  return key;
}
