import type { ChatMessage, Config, LanguageModel, ModelCall } from '@switchboard/core';
import type { MessageStore, PrivacyStore, QuestionContext, RecalledMemory } from '@switchboard/memory';
import { recallMessage } from '../memory/recall';
import { memoryWindow, PER_MESSAGE_TOKENS } from './memory-window';
import { tokenMeterFor } from './token-meter';

/** How many stored turns are read before the token budget trims them. */
export const HISTORY_LIMIT = 100;
/** Tokens kept free beyond the answer's, for what a chat template adds that the meter cannot see. */
export const CONTEXT_MARGIN_TOKENS = 64;

/** What one call is built from. */
export interface CallInputs {
  readonly store: MessageStore & Pick<PrivacyStore, 'getSummary'>;
  readonly settings: Config['agent'];
  readonly conversationKey: string;
  readonly question: string;
  /** Memories recalled for the question, best first. */
  readonly recalled?: readonly RecalledMemory[];
  /** The summary and newest turns when already read (the question's context); read here otherwise. */
  readonly context?: Pick<QuestionContext, 'summary' | 'history'>;
  /** The models that may answer (routed one and fallbacks): their tokenizers and contexts size the window. */
  readonly models?: readonly LanguageModel[];
}

/** The system prompt with the conversation's rolling summary and the recalled memories under it. */
function systemText(base: string, summary: string | undefined, recalled: readonly RecalledMemory[]): string {
  const parts = [base];
  if (summary) parts.push(`Summary of the earlier conversation:\n${summary}`);
  const memories = recallMessage(recalled);
  if (memories) parts.push(memories);
  return parts.join('\n\n');
}

/**
 * The call for one question: the system prompt (with the rolling summary and recalled memories), the
 * newest turns after the summary, and the question. Measured in tokens by the answering models'
 * tokenizers, it never exceeds the smallest context minus the answer budget; `SWITCHBOARD_MEMORY_TOKENS`
 * caps the turns further.
 */
export async function modelCallFor(inputs: CallInputs): Promise<ModelCall> {
  const { store, settings, conversationKey, question } = inputs;
  const meter = tokenMeterFor(inputs.models ?? []);
  const [summary, history] = inputs.context
    ? [inputs.context.summary, inputs.context.history]
    : await Promise.all([
        store.getSummary(conversationKey),
        store.recentMessages(conversationKey, HISTORY_LIMIT),
      ]);
  const after = summary?.throughMessageId ?? 0;
  const turns: ChatMessage[] = history
    .filter((turn) => turn.id > after)
    .map((turn) => ({ role: turn.role, content: turn.content }));
  let recalled = inputs.recalled ?? [];
  let summaryText = summary?.content;
  let system = systemText(settings.systemPrompt, summaryText, recalled);
  const [firstSystemTokens = 0, questionTokens = 0, ...turnTokens] = await meter.count([
    system,
    question,
    ...turns.map((turn) => turn.content),
  ]);
  let systemTokens = firstSystemTokens;
  const fixed = () => systemTokens + questionTokens + 2 * PER_MESSAGE_TOKENS + CONTEXT_MARGIN_TOKENS;
  let maxOutputTokens = settings.maxOutputTokens;
  const limit = meter.contextTokens;
  if (limit !== undefined) {
    if (fixed() + maxOutputTokens > limit && recalled.length > 0) {
      // Recalled memories give way before the answer does, then the summary.
      recalled = [];
      system = systemText(settings.systemPrompt, summaryText, recalled);
      systemTokens = (await meter.count([system]))[0] ?? 0;
    }
    if (fixed() + maxOutputTokens > limit && summaryText !== undefined) {
      summaryText = undefined;
      system = systemText(settings.systemPrompt, summaryText, recalled);
      systemTokens = (await meter.count([system]))[0] ?? 0;
    }
    maxOutputTokens = Math.max(1, Math.min(maxOutputTokens, limit - fixed()));
  }
  const room = limit === undefined ? Number.POSITIVE_INFINITY : limit - maxOutputTokens - fixed();
  const budget = Math.max(0, Math.min(settings.memoryTokens, room));
  return {
    messages: [
      { role: 'system', content: system },
      ...memoryWindow(turns, budget, turnTokens),
      { role: 'user', content: question },
    ],
    maxOutputTokens,
  };
}
