import { type ChatMessage, type LanguageModel, priceOf } from '@switchboard/core';
import type { ConversationRecord, MessageRecord, QuestionContext } from '@switchboard/memory';
import { HISTORY_LIMIT } from '../loop/model-call';
import type { AgentServices } from '../services';
import { runBackgroundCall } from './background-call';

/** A conversation is summarized once this many turns lie after its summary… */
export const SUMMARY_TRIGGER_TURNS = 24;
/** …folding all but the newest this many turns into it. */
export const SUMMARY_KEEP_TURNS = 8;
/** Tokens of one summary. */
const SUMMARY_MAX_TOKENS = 384;

const INSTRUCTIONS =
  'You keep a running summary of a conversation between a user and an assistant. Rewrite the summary so it also covers the new turns. Keep every fact, name, number, date, preference and decision the user gave; drop small talk. Answer with the summary only, at most 200 words.';

/**
 * The model that writes summaries: a local one where there is one (always under `/local on`), else the
 * cheapest configured cloud model by input price; undefined when none may be used.
 */
export function summaryModel(services: AgentServices, localOnly: boolean): LanguageModel | undefined {
  const models = services.models.list().filter((model) => model.demo !== true);
  const local = models.find((model) => model.locality === 'local');
  if (local || localOnly) return local;
  const price = (model: LanguageModel) =>
    priceOf(model.ref, services.prices)?.inputPerMillionUsd ?? Number.MAX_VALUE;
  return [...models].sort((a, b) => price(a) - price(b))[0];
}

/** The summary prompt: the old summary and the turns to fold in. */
function summaryCall(previous: string | undefined, turns: readonly MessageRecord[]): ChatMessage[] {
  const transcript = turns
    .map((turn) => `${turn.role === 'user' ? 'User' : 'Assistant'}: ${turn.content}`)
    .join('\n');
  return [
    { role: 'system', content: INSTRUCTIONS },
    {
      role: 'user',
      content: `Summary so far:\n${previous ?? '(none)'}\n\nNew turns:\n${transcript}\n\nThe updated summary:`,
    },
  ];
}

/**
 * How many turns lie after the summary once `added` more are stored, from the question's context; undefined
 * when the context read may have stopped short of the summary (it holds {@link HISTORY_LIMIT} turns).
 */
export function turnsAfterSummary(
  context: Pick<QuestionContext, 'summary' | 'history'>,
  added: number,
): number | undefined {
  if (context.history.length >= HISTORY_LIMIT) return undefined;
  const after = context.summary?.throughMessageId ?? 0;
  return context.history.filter((turn) => turn.id > after).length + added;
}

/**
 * After an answer: when more than {@link SUMMARY_TRIGGER_TURNS} turns lie after the conversation's
 * summary, fold the older ones into it with {@link summaryModel}. The summary is a task of its own
 * (`summarize`: model, tokens, cost, events), attributed to the person whose question triggered it.
 */
export async function summarizeIfDue(
  services: AgentServices,
  conversation: ConversationRecord,
  authorId: string,
  knownTurnsAfterSummary?: number,
): Promise<void> {
  if (knownTurnsAfterSummary !== undefined && knownTurnsAfterSummary <= SUMMARY_TRIGGER_TURNS) return;
  const { store } = services;
  const summary = await store.getSummary(conversation.key);
  const after = summary?.throughMessageId ?? 0;
  const recent = (await store.recentMessages(conversation.key, 200)).filter((turn) => turn.id > after);
  if (recent.length <= SUMMARY_TRIGGER_TURNS) return;
  const model = summaryModel(services, conversation.localOnly);
  if (!model) return;
  const folded = recent.slice(0, recent.length - SUMMARY_KEEP_TURNS);
  const through = folded.at(-1)?.id;
  if (through === undefined) return;
  const answered = await runBackgroundCall(services, {
    eventId: `summary:${conversation.key}:${through}`,
    conversationKey: conversation.key,
    authorId,
    command: 'summarize',
    what: 'summary',
    model,
    routeReason: 'rolling summary: local or cheapest model',
    messages: summaryCall(summary?.content, folded),
    maxOutputTokens: SUMMARY_MAX_TOKENS,
  });
  if (!answered) return;
  await store.saveSummary({
    conversationKey: conversation.key,
    content: answered.text,
    throughMessageId: through,
    taskId: answered.taskId,
  });
  await answered.succeed('summary', { throughMessageId: through, turns: folded.length });
}
