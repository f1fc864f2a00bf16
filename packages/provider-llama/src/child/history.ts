import type { ChatMessage, ToolCall, ToolSpec } from '@switchboard/core';
import type {
  ChatHistoryItem,
  ChatModelFunctionCall,
  ChatModelFunctions,
  ChatModelResponse,
  GbnfJsonSchema,
} from 'node-llama-cpp';

/** A tool result as the chat template shows it: parsed JSON when it is JSON, the text otherwise. */
function toolResult(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return content;
  }
}

function functionCalls(
  calls: readonly ToolCall[],
  results: ReadonlyMap<string, string>,
  descriptions: ReadonlyMap<string, string>,
): ChatModelFunctionCall[] {
  return calls.map((call, index) => {
    const description = descriptions.get(call.name);
    const result = results.get(call.id);
    return {
      type: 'functionCall',
      name: call.name,
      ...(description === undefined ? {} : { description }),
      params: call.arguments ?? {},
      result: result === undefined ? '' : toolResult(result),
      startsNewChunk: index === 0,
    };
  });
}

/**
 * Our conversation as node-llama-cpp chat history, ending with the model turn to generate. An assistant
 * turn's tool calls carry the results of the `tool` messages that answer them (matched by id); when the
 * conversation ends on such results, the model continues that same turn, as node-llama-cpp's own
 * function-calling loop does. A tool result that answers no known call becomes a user message.
 */
export function toChatHistory(
  messages: readonly ChatMessage[],
  tools: readonly ToolSpec[] = [],
): ChatHistoryItem[] {
  const results = new Map<string, string>();
  const answered = new Set<string>();
  for (const message of messages) {
    if (message.role === 'assistant') for (const call of message.toolCalls ?? []) answered.add(call.id);
    if (message.role === 'tool') results.set(message.toolCallId, message.content);
  }
  const descriptions = new Map(tools.map((tool) => [tool.name, tool.description]));
  const history: ChatHistoryItem[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        history.push({ type: 'system', text: message.content });
        break;
      case 'user':
        history.push({ type: 'user', text: message.content });
        break;
      case 'assistant': {
        const response: ChatModelResponse['response'] = message.content === '' ? [] : [message.content];
        response.push(...functionCalls(message.toolCalls ?? [], results, descriptions));
        history.push({ type: 'model', response });
        break;
      }
      case 'tool':
        if (!answered.has(message.toolCallId)) {
          history.push({
            type: 'user',
            text: `Result of tool call ${message.toolCallId}:\n${message.content}`,
          });
        }
        break;
    }
  }
  const last = history.at(-1);
  const continuesAfterTools =
    last?.type === 'model' && last.response.some((item) => typeof item !== 'string');
  if (!continuesAfterTools) history.push({ type: 'model', response: [] });
  return history;
}

/** Our tools as node-llama-cpp function definitions (no handlers: calls are returned, never executed). */
export function toFunctions(tools: readonly ToolSpec[]): ChatModelFunctions {
  const functions: Record<string, { description: string; params: GbnfJsonSchema }> = {};
  for (const tool of tools) {
    functions[tool.name] = {
      description: tool.description,
      params: tool.parameters as unknown as GbnfJsonSchema,
    };
  }
  return functions;
}
