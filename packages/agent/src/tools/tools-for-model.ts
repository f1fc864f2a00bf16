import type { LanguageModel, ToolSpec } from '@switchboard/core';
import { estimateTokens } from '../loop/memory-window';

/** The share of a model's prompt room the tool descriptions may take, leaving the rest to the conversation. */
export const TOOL_CONTEXT_SHARE = 0.5;

/**
 * Whether a model is offered the tools: not the demo model (random weights, labelled noise), and not a
 * model with a known context too small for the tool descriptions (more than half of what is left of it
 * after the answer's `maxOutputTokens`, by estimate — a chat template adds its own text around them):
 * such a model answers without tools rather than fail on a prompt that does not fit. Cloud models, whose context is
 * not known here, always get them; a local model with room (node-llama-cpp function calling) does too.
 */
export function offersTools(
  model: LanguageModel | undefined,
  specs: readonly ToolSpec[],
  maxOutputTokens = 0,
): boolean {
  if (model === undefined || model.demo === true) return false;
  if (model.contextTokens === undefined) return true;
  const room = model.contextTokens - maxOutputTokens;
  return estimateTokens(JSON.stringify(specs)) <= room * TOOL_CONTEXT_SHARE;
}
