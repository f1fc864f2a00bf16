import { parseCommand } from '@switchboard/core';
import { ACTION_HANDLERS } from '../actions/registry';
import type { CommandContext } from '../commands/context';
import { COMMAND_HANDLERS } from '../commands/registry';
import type { Middleware } from './compose';
import { admittedRequest, type EventContext } from './context';

/** Button presses (`action` events) go to the handler for their `action.id`; other events go on. */
export const dispatchAction: Middleware<EventContext> = async (context, next) => {
  const { event, reply } = context;
  if (event.kind !== 'action') return next();
  const handler = event.action === undefined ? undefined : ACTION_HANDLERS[event.action.id];
  if (handler === undefined) {
    await reply.send({ type: 'error', code: 'unknown_action', message: 'That button is no longer active.' });
    return;
  }
  await handler(admittedRequest(context));
};

/**
 * The last step: read the command (plain text in a direct chat is `/ask`) and run its handler, which
 * sends the request's final part.
 */
export const dispatchCommand: Middleware<EventContext> = async (context) => {
  const { event, reply } = context;
  const command = event.command ?? parseCommand(event.text, { direct: event.conversation.direct });
  if (command === undefined) {
    await reply.send({
      type: 'error',
      code: 'not_a_command',
      message: 'Start with a command such as /ask, or /help to see them all.',
    });
    return;
  }
  const handler = COMMAND_HANDLERS[command.name];
  if (handler === undefined) {
    await reply.send({
      type: 'error',
      code: 'unknown_command',
      message: `I don't know /${command.name}. Try /help.`,
    });
    return;
  }
  const commandContext: CommandContext = { ...admittedRequest(context), args: command.args };
  await handler(commandContext);
};
