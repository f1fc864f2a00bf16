import type { ChatMessage, FinishReason, ModelCall, ToolSpec, Usage } from '@switchboard/core';
import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';

/** One turn as a Chat Completions message; assistant tool calls carry their arguments as JSON. */
export function toChatMessage(message: ChatMessage): ChatCompletionMessageParam {
  if (message.role === 'system' || message.role === 'user')
    return { role: message.role, content: message.content };
  if (message.role === 'tool')
    return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  const calls = message.toolCalls ?? [];
  if (calls.length === 0) return { role: 'assistant', content: message.content };
  return {
    role: 'assistant',
    // Some compatible servers reject an empty string next to tool calls; null is always accepted.
    content: message.content === '' ? null : message.content,
    tool_calls: calls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: JSON.stringify(call.arguments ?? {}) },
    })),
  };
}

/** Our conversation as Chat Completions messages. */
export function toChatMessages(messages: readonly ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map(toChatMessage);
}

/** Our tools as Chat Completions function tools. */
export function toChatTools(tools: readonly ToolSpec[]): ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: { ...tool.parameters } },
  }));
}

/**
 * The streaming request for one call. `max_tokens` rather than `max_completion_tokens`: every
 * OpenAI-compatible server (vLLM, Ollama, llama-server, DeepSeek) understands it.
 */
export function toChatRequest(model: string, call: ModelCall): ChatCompletionCreateParamsStreaming {
  return {
    model,
    messages: toChatMessages(call.messages),
    stream: true,
    stream_options: { include_usage: true },
    ...(call.tools && call.tools.length > 0 ? { tools: toChatTools(call.tools) } : {}),
    ...(call.maxOutputTokens === undefined ? {} : { max_tokens: call.maxOutputTokens }),
    ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
    ...(call.responseSchema === undefined
      ? {}
      : {
          response_format: {
            type: 'json_schema' as const,
            json_schema: { name: 'answer', schema: { ...call.responseSchema }, strict: false },
          },
        }),
  };
}

/** Chat Completions' `finish_reason` as ours; tool calls win over a server that says `stop` anyway. */
export function toFinishReason(reason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls) return 'tool-calls';
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    default:
      return 'other';
  }
}

/** Token counts, zero when the server sent none. */
export function toUsage(usage: CompletionUsage | null | undefined): Usage {
  return { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 };
}
