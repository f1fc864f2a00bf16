import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import type { ChatMessage, FinishReason, ModelCall, ToolSpec } from '@switchboard/core';

/** The output limit when a call sets none: the Messages API requires one. */
export const DEFAULT_MAX_TOKENS = 4096;

type Turn = { role: 'user' | 'assistant'; blocks: ContentBlockParam[] };

/** One of our messages as the role and content blocks of an Anthropic turn; system messages have none. */
function toTurn(message: ChatMessage): Turn | undefined {
  const text = (content: string): ContentBlockParam[] =>
    content === '' ? [] : [{ type: 'text', text: content }];
  switch (message.role) {
    case 'system':
      return undefined;
    case 'user':
      return { role: 'user', blocks: text(message.content) };
    case 'tool':
      return {
        role: 'user',
        blocks: [
          {
            type: 'tool_result',
            tool_use_id: message.toolCallId,
            ...(message.content === '' ? {} : { content: message.content }),
          },
        ],
      };
    case 'assistant':
      return {
        role: 'assistant',
        blocks: [
          ...text(message.content),
          ...(message.toolCalls ?? []).map(
            (call): ContentBlockParam => ({
              type: 'tool_use',
              id: call.id,
              name: call.name,
              input: call.arguments ?? {},
            }),
          ),
        ],
      };
  }
}

/**
 * Our conversation as Anthropic turns: tool results become `tool_result` blocks of a user turn, and
 * consecutive turns of one role (several tool results, a result then a question) merge into one, since
 * the Messages API wants user and assistant to alternate. Empty turns are left out.
 */
export function toAnthropicMessages(messages: readonly ChatMessage[]): MessageParam[] {
  const turns: Turn[] = [];
  for (const message of messages) {
    const turn = toTurn(message);
    if (turn === undefined || turn.blocks.length === 0) continue;
    const last = turns.at(-1);
    if (last?.role === turn.role) last.blocks.push(...turn.blocks);
    else turns.push(turn);
  }
  return turns.map(({ role, blocks }) => {
    const [only] = blocks;
    return { role, content: blocks.length === 1 && only?.type === 'text' ? only.text : blocks };
  });
}

/** The system messages, in order, as the request's top-level `system`; `undefined` when there are none. */
export function toSystem(messages: readonly ChatMessage[]): string | undefined {
  const parts = messages.flatMap((message) =>
    message.role === 'system' && message.content !== '' ? [message.content] : [],
  );
  return parts.length === 0 ? undefined : parts.join('\n\n');
}

/** Our tools as Anthropic custom tools; the JSON schema of the arguments becomes `input_schema`. */
export function toAnthropicTools(tools: readonly ToolSpec[]): Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { ...tool.parameters, type: 'object' },
  }));
}

/**
 * The streaming request for one call; a `responseSchema` becomes structured output
 * (`output_config.format`). `temperature` is not sent: the SDK (1.x) no longer offers it and current
 * Claude models choose their own sampling.
 */
export function toMessagesRequest(model: string, call: ModelCall): MessageCreateParamsStreaming {
  const system = toSystem(call.messages);
  return {
    model,
    max_tokens: call.maxOutputTokens ?? DEFAULT_MAX_TOKENS,
    ...(system === undefined ? {} : { system }),
    messages: toAnthropicMessages(call.messages),
    ...(call.tools && call.tools.length > 0 ? { tools: toAnthropicTools(call.tools) } : {}),
    ...(call.responseSchema === undefined
      ? {}
      : { output_config: { format: { type: 'json_schema', schema: { ...call.responseSchema } } } }),
    stream: true,
  };
}

/** Anthropic's `stop_reason` as ours; tool calls win over any other reason. */
export function toFinishReason(reason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls) return 'tool-calls';
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    default:
      return 'other';
  }
}
