import type { ChatMessage } from '@switchboard/core';

/** A rough token count (about four characters per token): the estimate for models without a tokenizer here. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Tokens a chat template adds around each message, allowed for on top of its text. */
export const PER_MESSAGE_TOKENS = 8;

/**
 * The most recent turns that fit in `budgetTokens`, oldest first, each costing its token count (from
 * `tokens`, by index; the estimate when left out) plus {@link PER_MESSAGE_TOKENS}. A window never starts
 * with an assistant turn, so the model always sees the question an answer belonged to.
 */
export function memoryWindow(
  turns: readonly ChatMessage[],
  budgetTokens: number,
  tokens: readonly number[] = turns.map((turn) => estimateTokens(turn.content)),
): ChatMessage[] {
  const kept: ChatMessage[] = [];
  let used = 0;
  for (let index = turns.length - 1; index >= 0; index -= 1) {
    const turn = turns[index];
    if (turn === undefined) continue;
    const cost = (tokens[index] ?? estimateTokens(turn.content)) + PER_MESSAGE_TOKENS;
    if (used + cost > budgetTokens) break;
    kept.unshift(turn);
    used += cost;
  }
  while (kept[0]?.role === 'assistant') kept.shift();
  return kept;
}
