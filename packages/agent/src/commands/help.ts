import { helpText } from '@switchboard/core';
import { type CommandHandler, say } from './context';

/** `/help`: every command, the same text on every platform. */
export const help: CommandHandler = (context) => say(context, helpText());
