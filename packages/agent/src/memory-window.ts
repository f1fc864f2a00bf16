import type { ChatMessage } from '@switchboard/core';

/** A rough token count (about four characters per token) used to budget the memory window. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * The most recent turns that fit in `budgetTokens`, oldest first. A window never starts with an
 * assistant turn, so the model always sees the question an answer belonged to.
 */
export function memoryWindow(turns: readonly ChatMessage[], budgetTokens: number): ChatMessage[] {
  const kept: ChatMessage[] = [];
  let used = 0;
  for (let index = turns.length - 1; index >= 0; index -= 1) {
    const turn = turns[index];
    if (turn === undefined) continue;
    const cost = estimateTokens(turn.content) + 4;
    if (used + cost > budgetTokens) break;
    kept.unshift(turn);
    used += cost;
  }
  while (kept[0]?.role === 'assistant') kept.shift();
  return kept;
}
