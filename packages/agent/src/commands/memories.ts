import { type CommandHandler, say } from './context';

const LISTED = 50;

/** `/memories`: what is kept about the person, newest first, with ids and dates. */
export const memories: CommandHandler = async (context) => {
  const { store } = context.services;
  const personId = await store.personFor(context.identity);
  const kept = await store.listMemories(personId, LISTED);
  if (kept.length === 0) return say(context, 'I keep no memories about you. /remember <fact> keeps one.');
  const lines = kept.map(
    (memory) =>
      `#${memory.id} (${memory.createdAt.toISOString().slice(0, 10)}${memory.channelKey ? ', team' : ''}) ${memory.content}`,
  );
  const more = kept.length === LISTED ? `\n(the newest ${LISTED}; /export has them all)` : '';
  return say(context, `What I keep about you:\n${lines.join('\n')}${more}\n/forget <id> removes one.`);
};
