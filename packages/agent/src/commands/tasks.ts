import { conversationKey } from '@switchboard/core';
import { OPEN_STATUSES } from '@switchboard/memory';
import { describeStep, describeTask, shortId, taskListLine } from '../tasks/describe';
import { type CommandHandler, say } from './context';

/** `/status`: the conversation's last task (questions; commands such as this one are left out). */
export const status: CommandHandler = async (context) => {
  const { store } = context.services;
  const [last] = await store.listTasks(conversationKey(context.event.conversation), 1, 'ask');
  return say(context, last ? `Last task: ${describeTask(last)}` : 'No tasks in this conversation yet.');
};

/** `/tasks`: the conversation's ten most recent tasks, newest first. */
export const tasks: CommandHandler = async (context) => {
  const { store } = context.services;
  const list = await store.listTasks(conversationKey(context.event.conversation), 10, 'ask');
  if (list.length === 0) return say(context, 'No tasks in this conversation yet.');
  const now = context.services.now();
  return say(
    context,
    ['Recent tasks (newest first):', ...list.map((task) => `- ${taskListLine(task, now)}`)].join('\n'),
  );
};

/** `/task <id>`: one task of this conversation and its steps, in order. */
export const task: CommandHandler = async (context) => {
  const { store } = context.services;
  const wanted = context.args.trim().replace(/^#/, '');
  if (wanted.length === 0) return say(context, 'Which task? For example: /task 1a2b3c4d (see /tasks).');
  const found = await store.findTask(conversationKey(context.event.conversation), wanted);
  if (!found) return say(context, `No task ${wanted} in this conversation (see /tasks).`);
  const steps = (await store.listTaskEvents(found.id)).flatMap((event) => describeStep(event) ?? []);
  return say(
    context,
    [
      `Task #${shortId(found.id)}: ${describeTask(found)}`,
      ...(steps.length > 0 ? steps.map((line) => `- ${line}`) : ['- no steps recorded yet']),
    ].join('\n'),
  );
};

/**
 * `/cancel [id]`: cancel the conversation's running task (or the one whose id starts with `id`). The
 * request goes out as a control message, so it reaches the task on whichever worker runs it.
 */
export const cancel: CommandHandler = async (context) => {
  const { store, bus } = context.services;
  const key = conversationKey(context.event.conversation);
  const wanted = context.args.trim();
  const task = wanted
    ? await store.findTask(key, wanted)
    : (await store.listTasks(key, 10, 'ask')).find((candidate) => OPEN_STATUSES.includes(candidate.status));
  if (!task)
    return say(
      context,
      wanted ? `No task ${wanted} in this conversation.` : 'Nothing is running in this conversation.',
    );
  if (!OPEN_STATUSES.includes(task.status))
    return say(context, `Task ${shortId(task.id)} already ended (${task.status}).`);
  await bus.publishControl({ type: 'cancel', taskId: task.id, by: context.identity });
  return say(context, `Cancelling task ${shortId(task.id)}.`);
};
