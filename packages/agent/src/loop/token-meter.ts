import type { LanguageModel } from '@switchboard/core';
import { estimateTokens } from './memory-window';

/** Counts tokens as the models that may answer see them. */
export interface TokenMeter {
  /** The token count of each text: the largest among the models' tokenizers and the estimate. */
  count(texts: readonly string[]): Promise<number[]>;
  /** The smallest context among the models that have a known one; undefined when none does. */
  readonly contextTokens: number | undefined;
}

/**
 * A meter for the models a call may go to (the routed one and its fallbacks): each local model's own
 * tokenizer (node-llama-cpp), the close estimate for the others; the largest count wins, so the window
 * fits whichever answers.
 */
export function tokenMeterFor(models: readonly LanguageModel[]): TokenMeter {
  const contexts = models.flatMap((model) =>
    model.contextTokens === undefined ? [] : [model.contextTokens],
  );
  const tokenizers = models.filter((model) => model.countTokens !== undefined);
  return {
    contextTokens: contexts.length > 0 ? Math.min(...contexts) : undefined,
    async count(texts) {
      const estimates = texts.map(estimateTokens);
      const exact = await Promise.all(
        tokenizers.map((model) => model.countTokens?.(texts).catch(() => estimates) ?? estimates),
      );
      return estimates.map((estimate, index) =>
        Math.max(exact.length > 0 ? 0 : estimate, ...exact.map((counts) => counts[index] ?? estimate)),
      );
    },
  };
}
