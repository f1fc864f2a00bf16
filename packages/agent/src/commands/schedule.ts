import { conversationKey } from '@switchboard/core';
import { createSchedule, describeSchedule } from '../schedules/create';
import { type CommandHandler, say } from './context';

/** `/schedule <when> <prompt>`: run the prompt then (or on every cron match), posting here. */
export const schedule: CommandHandler = async (context) => {
  const { event, services, identity } = context;
  const created = await createSchedule(services.store, event, identity, context.args, services.now());
  if ('problem' in created)
    return context.reply.send({ type: 'error', code: 'invalid_schedule', message: created.problem });
  return say(context, `Scheduled ${describeSchedule(created)}. /unschedule ${created.id} removes it.`);
};

/** `/schedules`: this conversation's schedules. */
export const schedules: CommandHandler = async (context) => {
  const list = await context.services.store.listSchedules(conversationKey(context.event.conversation));
  if (list.length === 0) return say(context, 'No schedules in this conversation. /schedule adds one.');
  return say(context, ['Schedules:', ...list.map((entry) => `- ${describeSchedule(entry)}`)].join('\n'));
};

/** `/unschedule <id>`: remove one of this conversation's schedules. */
export const unschedule: CommandHandler = async (context) => {
  const id = context.args.trim();
  if (id.length === 0)
    return say(context, 'Which schedule? For example: /unschedule 1a2b3c4d (see /schedules).');
  const removed = await context.services.store.deleteSchedule(
    conversationKey(context.event.conversation),
    id,
  );
  return say(context, removed ? `Removed schedule ${id}.` : `No schedule ${id} in this conversation.`);
};
