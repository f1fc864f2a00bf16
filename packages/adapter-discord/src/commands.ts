import type { CommandSpec } from '@switchboard/core';
import { truncate } from './format';

/** Discord's application command option type for strings. */
const STRING = 3;

/**
 * The slash-command registration body for Switchboard's commands: one command each, with the command's
 * argument as a typed string option (`/ask prompt:`), `/model name:` with autocomplete. Usable in
 * servers and in DMs with the bot.
 */
export function slashCommands(commands: readonly CommandSpec[]): unknown[] {
  return commands.map((command) => ({
    name: command.name,
    description: truncate(command.description.replaceAll('`', ''), 100),
    type: 1,
    contexts: [0, 1],
    integration_types: [0],
    options:
      command.argument === undefined
        ? []
        : [
            {
              type: STRING,
              name: command.argument.name,
              description: truncate(command.argument.description, 100),
              required: command.argument.required,
              ...(command.name === 'model' ? { autocomplete: true } : {}),
            },
          ],
  }));
}

/** Autocomplete choices for `/model name:`: `auto` and the configured models matching what was typed. */
export function modelChoices(models: readonly string[], typed: string): { name: string; value: string }[] {
  const query = typed.trim().toLowerCase();
  return ['auto', ...models]
    .filter((model) => model.toLowerCase().includes(query))
    .slice(0, 25)
    .map((model) => ({ name: truncate(model, 100), value: truncate(model, 100) }));
}
