import type { CommandSpec } from './adapter';
import type { CommandInvocation } from './inbound';

/** The commands every platform understands, with the help text each platform's menu shows. */
export const COMMANDS = [
  {
    name: 'ask',
    description: 'Ask the agent something',
    argument: { name: 'prompt', description: 'What to ask', required: true },
  },
  {
    name: 'model',
    description: 'Pin this conversation to a model (or `auto`)',
    argument: { name: 'name', description: 'A model such as openai:gpt-4o-mini, or auto', required: false },
  },
  { name: 'models', description: 'List the models this box can use' },
  { name: 'status', description: 'Show the last task in this conversation' },
  { name: 'tasks', description: 'List recent tasks in this conversation' },
  {
    name: 'cancel',
    description: 'Cancel the running task (or the one with this id)',
    argument: { name: 'id', description: 'Task id', required: false },
  },
  { name: 'history', description: 'Show the last turns this conversation remembers' },
  { name: 'forget', description: 'Forget this conversation’s history' },
  { name: 'usage', description: 'Tokens and cost per model today and this month' },
  {
    name: 'local',
    description: 'Keep this conversation on local models only (on/off)',
    argument: { name: 'state', description: 'on or off; leave out to see the setting', required: false },
  },
  { name: 'help', description: 'What this box can do' },
] as const satisfies readonly CommandSpec[];

/** A command name Switchboard knows. */
export type CommandName = (typeof COMMANDS)[number]['name'];

const NAMES = new Set<string>(COMMANDS.map((command) => command.name));

/** Commands answered at once, never queued behind a model answer in the same conversation. */
export const CONTROL_COMMANDS: ReadonlySet<CommandName> = new Set<CommandName>([
  'cancel',
  'status',
  'tasks',
  'models',
  'usage',
  'help',
]);

/** True when `name` is a command Switchboard knows. */
export function isCommandName(name: string): name is CommandName {
  return NAMES.has(name);
}

/** How to read a text: direct chats treat plain text as `/ask`. */
export interface ParseOptions {
  readonly direct: boolean;
  /** The bot's username, so `/ask@my_bot hi` (Telegram groups) is read as `/ask hi`. */
  readonly botUsername?: string;
}

/**
 * Read a typed line as a command. `/ask hello` → `{ name: 'ask', args: 'hello' }`. Plain text in a
 * direct chat is `/ask`; elsewhere it is no command (`undefined`). Unknown slash words are kept as
 * written so the agent can say the command is unknown.
 */
export function parseCommand(text: string, options: ParseOptions): CommandInvocation | undefined {
  const trimmed = text.trim();
  const match = /^\/([A-Za-z][\w-]*)(?:@(\S+))?(?:\s+([\s\S]*))?$/.exec(trimmed);
  if (match) {
    const [, rawName = '', mention, rest = ''] = match;
    const addressedElsewhere =
      mention !== undefined &&
      options.botUsername !== undefined &&
      mention.toLowerCase() !== options.botUsername.toLowerCase();
    if (!addressedElsewhere) return resolveSubcommand({ name: rawName.toLowerCase(), args: rest.trim() });
  }
  if (options.direct && trimmed.length > 0) return { name: 'ask', args: trimmed };
  return undefined;
}

const BARE_SUBCOMMANDS = new Set<string>([
  'models',
  'status',
  'tasks',
  'history',
  'forget',
  'help',
  'cancel',
  'usage',
  'local',
]);

/**
 * Platforms with one registered command (Slack's `/ask`) reach the others as subcommands:
 * `/ask status`, `/ask model openai:gpt-4o`, `/ask cancel 12ab`, `/ask local on`. Only unambiguous forms
 * are read so; `/ask status of my project` stays a question.
 */
export function resolveSubcommand(command: CommandInvocation): CommandInvocation {
  if (command.name !== 'ask') return command;
  const [first = '', ...rest] = command.args.split(/\s+/);
  const word = first.toLowerCase();
  if (rest.length === 0 && BARE_SUBCOMMANDS.has(word)) return { name: word, args: '' };
  if (word === 'model' && rest.length <= 1) return { name: 'model', args: rest.join(' ') };
  if (word === 'local' && rest.length === 1 && /^(on|off)$/i.test(rest[0] ?? '')) {
    return { name: 'local', args: (rest[0] ?? '').toLowerCase() };
  }
  if (word === 'cancel' && rest.length === 1 && /^[\w-]{4,}$/.test(rest[0] ?? '')) {
    return { name: 'cancel', args: rest[0] ?? '' };
  }
  return command;
}

/** The help text, the same on every platform. */
export function helpText(): string {
  const lines = COMMANDS.map((command) => {
    const argument =
      'argument' in command
        ? ` ${command.argument.required ? `<${command.argument.name}>` : `[${command.argument.name}]`}`
        : '';
    return `/${command.name}${argument} — ${command.description}`;
  });
  return ['Commands:', ...lines, '', 'In a direct chat, any plain message is a question.'].join('\n');
}
