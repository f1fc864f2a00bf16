import { keepMemory, MEMORY_MAX_CHARACTERS } from '../memory/keep';
import { type CommandHandler, say } from './context';

/** `/remember <fact>`: keep a fact for recall in later answers (the channel's team memory when it is on). */
export const remember: CommandHandler = async (context) => {
  const { services, event, identity } = context;
  const fact = context.args.trim();
  if (fact.length === 0)
    return say(context, 'Tell me what to remember, for example: /remember my sister lives in Lisbon');
  if (fact.length > MEMORY_MAX_CHARACTERS)
    return say(
      context,
      `That is ${fact.length} characters; I keep facts of up to ${MEMORY_MAX_CHARACTERS}. Shorten it and try again.`,
    );
  const conversation = await services.store.ensureConversation(event.conversation);
  const personId = await services.store.personFor(identity);
  const kept = await keepMemory(
    services,
    { fact, source: 'remember', conversation, personId },
    context.job.signal,
  );
  const where = kept.team ? ' for everyone in this channel (team memory)' : '';
  return say(
    context,
    `Remembered${where} (#${kept.id}). /memories lists what I keep; /forget ${kept.id} removes it.`,
  );
};
