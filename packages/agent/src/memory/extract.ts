import type { ChatMessage } from '@switchboard/core';
import type { MessageRecord } from '@switchboard/memory';
import type { AgentServices } from '../services';
import { runBackgroundCall } from './background-call';
import { keepMemory, MEMORY_MAX_CHARACTERS } from './keep';
import { summaryModel } from './summarize';

/** The most facts one extraction keeps. */
export const MAX_FACTS_PER_EXTRACTION = 10;
/** How many of the newest turns after the last extraction are read. */
const EXTRACT_TURNS = 200;
/** Tokens of one extraction's answer. */
const EXTRACT_MAX_TOKENS = 512;

const INSTRUCTIONS = [
  'You read a conversation between a user and an assistant and pick out the facts about the user worth remembering in later conversations: names, relationships, places, dates, plans, preferences, decisions and commitments.',
  'Skip small talk, questions, and anything the assistant said that the user did not confirm.',
  'Write each fact as one short sentence about the user, with its date (YYYY-MM-DD) where the conversation gives one or where it matters when it was said.',
  `Answer with one fact per line, each starting with "- ", at most ${MAX_FACTS_PER_EXTRACTION}; answer NONE when there is nothing worth keeping.`,
].join(' ');

/** The extraction prompt: the turns, each with its day. */
function extractionCall(turns: readonly MessageRecord[]): ChatMessage[] {
  const transcript = turns
    .map(
      (turn) =>
        `[${turn.createdAt.toISOString().slice(0, 10)}] ${turn.role === 'user' ? 'User' : 'Assistant'}: ${turn.content}`,
    )
    .join('\n');
  return [
    { role: 'system', content: INSTRUCTIONS },
    { role: 'user', content: `The conversation:\n${transcript}\n\nThe facts worth remembering:` },
  ];
}

/**
 * The facts of an extraction's answer: its `- ` (or `* `, `1.`) lines, trimmed, without repeats, at most
 * {@link MAX_FACTS_PER_EXTRACTION}, each at most {@link MEMORY_MAX_CHARACTERS}; none for `NONE`.
 */
export function parseFacts(answer: string): string[] {
  const facts = answer
    .split('\n')
    .map((line) => /^\s*(?:[-*•]|\d+[.)])\s+(.*)$/.exec(line)?.[1]?.trim() ?? '')
    .filter((fact) => fact.length > 0 && fact.length <= MEMORY_MAX_CHARACTERS && !/^none\.?$/i.test(fact));
  return [...new Set(facts)].slice(0, MAX_FACTS_PER_EXTRACTION);
}

/**
 * `MEMORY_EXTRACT=on`, once a conversation has gone quiet: read its turns since the last extraction and
 * keep the facts the local model (always under `/local on`), or else the cheapest configured one, finds
 * in them, as memories with source `extracted`, the conversation they came from and the day. Only in a
 * direct chat (the person's memories) or a channel with team memory on (the channel's): facts from a
 * shared channel never become anyone's private memory. It is an `extract` task (model, tokens, cost,
 * events) of the person whose question came last; facts already kept word for word are not kept twice.
 */
export async function extractFacts(
  services: AgentServices,
  conversationKey: string,
  authorId: string,
): Promise<void> {
  const { store } = services;
  const conversation = await store.getConversation(conversationKey);
  if (!conversation || (!conversation.direct && !conversation.teamMemory)) return;
  const after = await store.extractedThrough(conversationKey);
  const turns = (await store.recentMessages(conversationKey, EXTRACT_TURNS)).filter(
    (turn) => turn.id > after,
  );
  const through = turns.at(-1)?.id;
  if (through === undefined || !turns.some((turn) => turn.role === 'user')) return;
  const model = summaryModel(services, conversation.localOnly);
  if (!model) return;
  const answered = await runBackgroundCall(services, {
    eventId: `extract:${conversationKey}:${through}`,
    conversationKey,
    authorId,
    command: 'extract',
    what: 'extraction',
    model,
    routeReason: 'fact extraction: local or cheapest model',
    messages: extractionCall(turns),
    maxOutputTokens: EXTRACT_MAX_TOKENS,
  });
  if (!answered) return;
  const personId = await store.personFor(authorId);
  const known = new Set(
    (await store.listMemories(personId, 500)).map((memory) => memory.content.toLowerCase()),
  );
  const signal = new AbortController().signal;
  const kept: number[] = [];
  for (const fact of parseFacts(answered.text)) {
    if (known.has(fact.toLowerCase())) continue;
    const memory = await keepMemory(services, { fact, source: 'extracted', conversation, personId }, signal);
    kept.push(memory.id);
  }
  await store.markExtracted(conversationKey, through);
  await answered.succeed('extracted', { throughMessageId: through, turns: turns.length, memories: kept });
}
