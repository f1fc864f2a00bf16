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
    name: 'task',
    description: 'Show the steps of one task',
    argument: { name: 'id', description: 'Task id (from /tasks)', required: true },
  },
  {
    name: 'cancel',
    description: 'Cancel the running task (or the one with this id)',
    argument: { name: 'id', description: 'Task id', required: false },
  },
  {
    name: 'schedule',
    description: 'Run a prompt later or on a cron schedule, posting here',
    argument: {
      name: 'when',
      description: 'in 10m / at 2026-12-24T18:00 / "0 9 * * *", then the prompt',
      required: true,
    },
  },
  { name: 'schedules', description: 'List the schedules of this conversation' },
  {
    name: 'unschedule',
    description: 'Remove a schedule',
    argument: { name: 'id', description: 'Schedule id (from /schedules)', required: true },
  },
  {
    name: 'history',
    description: 'Show the last turns here, or search all your history',
    argument: { name: 'words', description: 'Words to search for in everything you asked', required: false },
  },
  {
    name: 'forget',
    description: 'Forget this conversation, one memory (id), or all your data (all)',
    argument: { name: 'what', description: 'A memory id, or all', required: false },
  },
  {
    name: 'remember',
    description: 'Keep a fact for later answers',
    argument: { name: 'fact', description: 'What to remember', required: true },
  },
  { name: 'memories', description: 'List what is kept about you, with ids' },
  {
    name: 'memory',
    description: 'Team memory in this channel (team on/off)',
    argument: { name: 'setting', description: 'team on, or team off', required: false },
  },
  { name: 'export', description: 'Download all your data as JSON' },
  {
    name: 'link',
    description: 'Join your accounts on several apps into one person',
    argument: { name: 'code', description: 'The code /link showed on your other app', required: false },
  },
  { name: 'unlink', description: 'Undo /link for this account' },
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
  'task',
  'schedules',
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
  'memories',
  'export',
  'link',
  'unlink',
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
  const only = rest.length === 1 ? (rest[0] ?? '') : undefined;
  if (word === 'forget' && only !== undefined && /^(all|#?\d+)$/i.test(only))
    return { name: 'forget', args: only };
  if (word === 'link' && only !== undefined && /^[A-Za-z0-9]{6}$/.test(only))
    return { name: 'link', args: only };
  if (
    word === 'memory' &&
    rest.length === 2 &&
    /^team$/i.test(rest[0] ?? '') &&
    /^(on|off)$/i.test(rest[1] ?? '')
  ) {
    return { name: 'memory', args: rest.join(' ').toLowerCase() };
  }
  if ((word === 'cancel' || word === 'task') && rest.length === 1 && /^[\w-]{4,}$/.test(rest[0] ?? '')) {
    return { name: word, args: rest[0] ?? '' };
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
