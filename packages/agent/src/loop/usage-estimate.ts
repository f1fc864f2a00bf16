import type { ModelCall, ToolCall, Usage } from '@switchboard/core';
import { estimateTokens } from './memory-window';

/** Tokens a chat template adds around each message, roughly. */
const PER_MESSAGE = 4;

/** About how many tokens `call` sends the model: every message, the template around it, the tools. */
export function estimatePromptTokens(call: ModelCall): number {
  const messages = call.messages.reduce(
    (sum, message) => sum + estimateTokens(message.content) + PER_MESSAGE,
    0,
  );
  return messages + (call.tools ? estimateTokens(JSON.stringify(call.tools)) : 0);
}

/**
 * A model call's usage as the provider reported it, with what it left out estimated (about four
 * characters per token). A prompt always has tokens, so a reported 0 means "not reported" — an
 * OpenAI-compatible server that sends no usage, say. An answer with text or tool calls has output
 * tokens the same way.
 */
export function completeUsage(
  reported: Usage,
  call: ModelCall,
  answer: { readonly text: string; readonly toolCalls: readonly ToolCall[] },
): Usage {
  const written =
    answer.text.length > 0 || answer.toolCalls.length > 0
      ? estimateTokens(answer.text) +
        answer.toolCalls.reduce((sum, tool) => sum + estimateTokens(JSON.stringify(tool.arguments)), 0)
      : 0;
  return {
    inputTokens: reported.inputTokens > 0 ? reported.inputTokens : estimatePromptTokens(call),
    outputTokens: reported.outputTokens > 0 ? reported.outputTokens : written,
  };
}
