import { conversationKey } from '@switchboard/core';
import type { HistoryHit } from '@switchboard/memory';
import { forgetAllRequest } from '../actions/forget-all';
import { type CommandHandler, say } from './context';

const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

/** One found turn: date, who, words, and the model and cost of its task. */
function hitLine(hit: HistoryHit): string {
  const cost = hit.costUsd === undefined ? '' : `, $${hit.costUsd.toFixed(4)}`;
  const model = hit.model === undefined ? '' : ` [${hit.model}${cost}]`;
  const who = hit.role === 'user' ? 'You' : 'Agent';
  return `${hit.createdAt.toISOString().slice(0, 16).replace('T', ' ')} ${who}: ${clip(hit.content)}${model}`;
}

/**
 * `/history`: the last ten remembered turns of this conversation, each cut at 200 characters.
 * `/history <words>`: the person's turns (every conversation, every linked platform) with those words,
 * newest first, with each task's model and cost.
 */
export const history: CommandHandler = async (context) => {
  const { store } = context.services;
  const words = context.args.trim();
  if (words.length > 0) {
    const personId = await store.personFor(context.identity);
    const hits = await store.searchHistory(personId, words, 10);
    if (hits.length === 0) return say(context, `Nothing in your history matches “${clip(words)}”.`);
    return say(context, hits.map(hitLine).join('\n'));
  }
  const turns = await store.recentMessages(conversationKey(context.event.conversation), 10);
  if (turns.length === 0) return say(context, 'This conversation has no history.');
  return say(
    context,
    turns.map((turn) => `${turn.role === 'user' ? 'You' : 'Agent'}: ${clip(turn.content)}`).join('\n'),
  );
};

/**
 * `/forget`: delete this conversation's turns, summary and extracted memories (its tasks stay).
 * `/forget <id>`: delete one memory. `/forget all`: everything of the person, after a confirmation button.
 */
export const forget: CommandHandler = async (context) => {
  const { store } = context.services;
  const args = context.args.trim().toLowerCase();
  if (args === 'all') return forgetAllRequest(context);
  if (args.length > 0) {
    const id = /^#?(\d{1,15})$/.exec(args)?.[1];
    if (id === undefined)
      return say(
        context,
        'Use /forget (this conversation), /forget <id> (one memory from /memories) or /forget all.',
      );
    const personId = await store.personFor(context.identity);
    const gone = await store.forgetMemory(personId, Number(id));
    return say(
      context,
      gone ? `Forgotten: memory #${id}.` : `You have no memory #${id}; /memories lists yours.`,
    );
  }
  const count = await store.forgetConversation(conversationKey(context.event.conversation));
  return say(
    context,
    count > 0 ? `Forgotten: ${count} messages of this conversation.` : 'There was nothing to forget.',
  );
};
