import { conversationKey, helpText } from '@switchboard/core';
import { runAsk } from './ask';
import type { RequestContext } from './context';
import { describeTask, shortId } from './describe-task';
import { runLocalOnly } from './local-only';
import { modelCommand } from './model-command';
import { runUsage } from './usage';

/** A handler for one command; it sends exactly one final part. */
export type CommandHandler = (context: RequestContext) => Promise<void>;

const say = (context: RequestContext, text: string) =>
  context.reply.send({ type: 'reply-end', text, meta: {} });

const help: CommandHandler = (context) => say(context, helpText());

const models: CommandHandler = (context) => {
  const registry = context.deps.models;
  if (registry.isEmpty)
    return say(context, 'No models are configured. Run `switchboard doctor` to see how to add one.');
  const lines = registry
    .list()
    .map(
      (model) =>
        `${model.ref === registry.defaultRef ? '•' : '◦'} ${model.ref} (${model.locality})${model.ref === registry.defaultRef ? ' — default' : ''}`,
    );
  return say(
    context,
    ['Models:', ...lines, '', 'Pin one to this conversation with /model <name>.'].join('\n'),
  );
};

const status: CommandHandler = async (context) => {
  const [last] = await context.deps.store.listTasks(conversationKey(context.event.conversation), 1);
  return say(context, last ? `Last task: ${describeTask(last)}` : 'No tasks in this conversation yet.');
};

const tasks: CommandHandler = async (context) => {
  const list = await context.deps.store.listTasks(conversationKey(context.event.conversation), 10);
  if (list.length === 0) return say(context, 'No tasks in this conversation yet.');
  return say(
    context,
    ['Recent tasks (newest first):', ...list.map((task) => `- ${describeTask(task)}`)].join('\n'),
  );
};

const cancel: CommandHandler = async (context) => {
  const { store, bus } = context.deps;
  const key = conversationKey(context.event.conversation);
  const wanted = context.args.trim();
  const task = wanted
    ? await store.findTask(key, wanted)
    : (await store.listTasks(key, 10)).find((candidate) => candidate.status === 'running');
  if (!task)
    return say(
      context,
      wanted ? `No task ${wanted} in this conversation.` : 'Nothing is running in this conversation.',
    );
  if (task.status !== 'running')
    return say(context, `Task ${shortId(task.id)} already ended (${task.status}).`);
  await bus.publishControl({ type: 'cancel', taskId: task.id, by: context.identity });
  return say(context, `Cancelling task ${shortId(task.id)}.`);
};

const history: CommandHandler = async (context) => {
  const turns = await context.deps.store.recentMessages(conversationKey(context.event.conversation), 10);
  if (turns.length === 0) return say(context, 'This conversation has no history.');
  const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
  return say(
    context,
    turns.map((turn) => `${turn.role === 'user' ? 'You' : 'Agent'}: ${clip(turn.content)}`).join('\n'),
  );
};

const forget: CommandHandler = async (context) => {
  const count = await context.deps.store.forgetMessages(conversationKey(context.event.conversation));
  return say(
    context,
    count > 0 ? `Forgotten: ${count} messages of this conversation.` : 'There was nothing to forget.',
  );
};

/** Every command the agent answers, by name. */
export const COMMAND_HANDLERS: Readonly<Record<string, CommandHandler>> = {
  ask: runAsk,
  help,
  models,
  model: modelCommand,
  status,
  tasks,
  cancel,
  history,
  forget,
  usage: runUsage,
  local: runLocalOnly,
};
