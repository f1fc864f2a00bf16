import type { ScriptedEvent } from '../fake-model';
import { split } from '../fake-openai/chunks';
import type { FakeAnthropicUsage } from './behaviours';

/** What the fake model answers, before it is cut into events. */
export interface FakeAnswer {
  readonly text: string;
  /** Tool calls with their input as JSON text (possibly invalid, on purpose). */
  readonly toolUses: readonly { readonly id: string; readonly name: string; readonly input: string }[];
  readonly stopReason: string;
  readonly usage: FakeAnthropicUsage | undefined;
  readonly chunkSize: number;
}

/** Facts about the request that the answer repeats. */
export interface AnswerContext {
  readonly id: string;
  readonly model: string;
  readonly inputTokens: number;
}

/** A streamed answer: `message_start` and a ping, the content block events, then the closing events. */
export interface AnswerEvents {
  readonly head: readonly ScriptedEvent[];
  readonly body: readonly ScriptedEvent[];
  readonly tail: readonly ScriptedEvent[];
}

/** One event: `event: <type>` and `data: {"type": <type>, …}`; deltas are what `afterChunks` counts. */
function event(type: string, fields: object, counts = false): ScriptedEvent {
  return { event: type, data: { type, ...fields }, counts };
}

function usageOf(answer: FakeAnswer, context: AnswerContext, deltas: number) {
  return {
    input_tokens: answer.usage?.input_tokens ?? context.inputTokens,
    output_tokens: answer.usage?.output_tokens ?? Math.max(1, deltas),
  };
}

function parsedInput(input: string): unknown {
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return {};
  }
}

function hasTextBlock(answer: FakeAnswer): boolean {
  return answer.text !== '' || answer.toolUses.length === 0;
}

/** The events of a streamed answer, in the shapes the Messages API sends. */
export function answerEvents(answer: FakeAnswer, context: AnswerContext): AnswerEvents {
  const body: ScriptedEvent[] = [];
  let index = 0;
  if (hasTextBlock(answer)) {
    body.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const text of split(answer.text, answer.chunkSize)) {
      body.push(event('content_block_delta', { index, delta: { type: 'text_delta', text } }, true));
    }
    body.push(event('content_block_stop', { index }));
    index += 1;
  }
  for (const tool of answer.toolUses) {
    const block = { type: 'tool_use', id: tool.id, name: tool.name, input: {} };
    body.push(event('content_block_start', { index, content_block: block }));
    for (const partial_json of split(tool.input, answer.chunkSize)) {
      const delta = { type: 'input_json_delta', partial_json };
      body.push(event('content_block_delta', { index, delta }, true));
    }
    body.push(event('content_block_stop', { index }));
    index += 1;
  }
  const usage = usageOf(answer, context, body.filter((item) => item.counts).length);
  const message = {
    id: context.id,
    type: 'message',
    role: 'assistant',
    model: context.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: {
      input_tokens: usage.input_tokens,
      output_tokens: 1,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
  return {
    head: [event('message_start', { message }), event('ping', {})],
    body,
    tail: [
      event('message_delta', {
        delta: { stop_reason: answer.stopReason, stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      }),
      event('message_stop', {}),
    ],
  };
}

/** The whole answer as one `message` object, for requests without `stream: true`. */
export function wholeMessage(answer: FakeAnswer, context: AnswerContext): object {
  const content: object[] = hasTextBlock(answer) ? [{ type: 'text', text: answer.text }] : [];
  for (const tool of answer.toolUses) {
    content.push({ type: 'tool_use', id: tool.id, name: tool.name, input: parsedInput(tool.input) });
  }
  const deltas =
    split(answer.text, answer.chunkSize).length +
    answer.toolUses.reduce((sum, tool) => sum + split(tool.input, answer.chunkSize).length, 0);
  return {
    id: context.id,
    type: 'message',
    role: 'assistant',
    model: context.model,
    content,
    stop_reason: answer.stopReason,
    stop_sequence: null,
    usage: usageOf(answer, context, deltas),
  };
}
