import { costOf, type PriceTable, type Usage } from '@switchboard/core';
import type { AttemptUsage } from '../routing/attempts';

/** A task's tokens and cost over all its model calls. */
export interface TaskCost {
  readonly usage: Usage;
  /** US dollars; calls on models without a known price count 0. */
  readonly usd: number;
  /** False when some call was on a cloud model without a known price. */
  readonly known: boolean;
}

/** Add up the tokens and cost of every attempt, grading and escalation of one task. */
export function taskCost(usages: readonly AttemptUsage[], prices: PriceTable): TaskCost {
  let inputTokens = 0;
  let outputTokens = 0;
  let usd = 0;
  let known = true;
  for (const { ref, usage } of usages) {
    inputTokens += usage.inputTokens;
    outputTokens += usage.outputTokens;
    const cost = costOf(ref, usage, prices);
    if (cost === undefined) known = false;
    else usd += cost;
  }
  return { usage: { inputTokens, outputTokens }, usd, known };
}
