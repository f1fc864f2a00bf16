import type { FakeUsage } from './behaviours';

/** What the fake model answers, before it is cut into chunks. */
export interface FakeAnswer {
  readonly text: string;
  readonly toolCalls: readonly { readonly id: string; readonly name: string; readonly arguments: string }[];
  readonly finishReason: 'stop' | 'length' | 'content_filter' | 'tool_calls';
  readonly usage: FakeUsage | undefined;
  readonly chunkSize: number;
}

/** Facts about the request every chunk repeats. */
export interface ChunkContext {
  readonly id: string;
  readonly model: string;
  readonly created: number;
  readonly promptTokens: number;
}

/** A streamed answer: the role chunk, the content and tool-call chunks, then the finish chunk. */
export interface StreamChunks {
  readonly head: object;
  readonly body: readonly object[];
  readonly finish: object;
  /** Sent after `finish` when the request asked for `stream_options.include_usage`; carries an `id`. */
  readonly usage: object;
}

/** Split text into pieces of `size` characters, never inside a surrogate pair. */
export function split(text: string, size: number): string[] {
  const characters = Array.from(text);
  const pieces: string[] = [];
  const step = Math.max(1, Math.floor(size));
  for (let start = 0; start < characters.length; start += step) {
    pieces.push(characters.slice(start, start + step).join(''));
  }
  return pieces;
}

function chunk(context: ChunkContext, delta: object, finishReason: string | null = null): object {
  return {
    id: context.id,
    object: 'chat.completion.chunk',
    created: context.created,
    model: context.model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

function usageOf(answer: FakeAnswer, context: ChunkContext, completionTokens: number) {
  const prompt = answer.usage?.prompt_tokens ?? context.promptTokens;
  const completion = answer.usage?.completion_tokens ?? completionTokens;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The chunks of a streamed answer, in the shapes OpenAI sends. */
export function streamChunks(answer: FakeAnswer, context: ChunkContext): StreamChunks {
  const body: object[] = split(answer.text, answer.chunkSize).map((piece) =>
    chunk(context, { content: piece }),
  );
  answer.toolCalls.forEach((call, index) => {
    body.push(
      chunk(context, {
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      }),
    );
    for (const piece of split(call.arguments, answer.chunkSize)) {
      body.push(chunk(context, { tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  return {
    head: chunk(context, { role: 'assistant', content: '', refusal: null }),
    body,
    finish: chunk(context, {}, answer.finishReason),
    usage: {
      id: context.id,
      object: 'chat.completion.chunk',
      created: context.created,
      model: context.model,
      system_fingerprint: 'fp_fake',
      choices: [],
      usage: usageOf(answer, context, Math.max(1, body.length)),
    },
  };
}

/** The whole answer as one `chat.completion` object, for requests without `stream: true`. */
export function completion(answer: FakeAnswer, context: ChunkContext): object {
  const toolCalls = answer.toolCalls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  const pieces = split(answer.text, answer.chunkSize).length + toolCalls.length;
  return {
    id: context.id,
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    system_fingerprint: 'fp_fake',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.text === '' && toolCalls.length > 0 ? null : answer.text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: answer.finishReason,
      },
    ],
    usage: usageOf(answer, context, Math.max(1, pieces)),
  };
}
