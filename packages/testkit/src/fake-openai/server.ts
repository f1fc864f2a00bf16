import type { ServerResponse } from 'node:http';
import {
  type ErrorBehaviour,
  type Playback,
  playbackFor,
  playModels,
  playStream,
  playWhole,
  type ScriptedEvent,
  sendScriptedError,
  startScriptedServer,
} from '../fake-model';
import { sendJson } from '../http';
import type { Behaviour, FakeOpenAI, FakeOpenAIOptions } from './behaviours';
import { type ChunkContext, completion, type FakeAnswer, split, streamChunks } from './chunks';
import { FAKE_EMBEDDING_DIMENSIONS, wordHashEmbedding } from './embedding';
import { defaultErrorBody, errorBody, invalidChatRequest } from './errors';
import { findMarker, type MarkedAnswer, markedAnswer } from './marked';

const DEFAULT_CHUNK_SIZE = 4;
const UNFINISHED_TEXT = 'This answer never finishes, however long you wait.';

interface ChatRequest {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content?: unknown }[];
  readonly stream?: boolean;
  readonly max_tokens?: number;
  readonly stream_options?: { readonly include_usage?: boolean };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : '')).join('');
}

/** About one token per four characters of the request's messages, at least one. */
function estimatePromptTokens(request: ChatRequest): number {
  const characters = request.messages.reduce((sum, message) => sum + textOf(message.content).length, 0);
  return Math.max(1, Math.ceil(characters / 4));
}

const lastUserText = (request: ChatRequest) =>
  textOf(request.messages.findLast((message) => message.role === 'user')?.content);

/** The marked answer for a `marked` request that carries a marker; `undefined` means echo it. */
function markedFor(behaviour: Behaviour, request: ChatRequest): MarkedAnswer | undefined {
  if (behaviour.type !== 'marked') return undefined;
  const marker = findMarker(lastUserText(request));
  return marker === undefined ? undefined : markedAnswer(marker, behaviour);
}

function answerFor(
  behaviour: Exclude<Behaviour, ErrorBehaviour>,
  request: ChatRequest,
  sequence: number,
  marked: MarkedAnswer | undefined,
): FakeAnswer {
  const chunkSize = behaviour.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const plain = (text: string) => ({
    text,
    toolCalls: [],
    finishReason: 'stop' as const,
    usage: undefined,
    chunkSize,
  });
  switch (behaviour.type) {
    case 'text':
      return {
        ...plain(behaviour.text),
        finishReason: behaviour.finishReason ?? 'stop',
        usage: behaviour.usage,
      };
    case 'echo':
      return { ...plain(`You said: ${lastUserText(request)}`), usage: behaviour.usage };
    case 'marked':
      return plain(marked?.text ?? `You said: ${lastUserText(request)}`);
    case 'tool-calls':
      return {
        ...plain(behaviour.text ?? ''),
        finishReason: 'tool_calls',
        usage: behaviour.usage,
        toolCalls: behaviour.calls.map((call, index) => ({
          id: call.id ?? `call_${sequence}_${index}`,
          name: call.name,
          arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
        })),
      };
    default:
      return plain(behaviour.text ?? UNFINISHED_TEXT);
  }
}

/** The answer as a server that honours `max_tokens` sends it: at most that many pieces, then `length`. */
function withinMaxTokens(answer: FakeAnswer, maxTokens: number | undefined): FakeAnswer {
  if (maxTokens === undefined) return answer;
  const pieces = split(answer.text, answer.chunkSize);
  if (pieces.length <= maxTokens) return answer;
  return { ...answer, text: pieces.slice(0, maxTokens).join(''), toolCalls: [], finishReason: 'length' };
}

/**
 * `POST /v1/embeddings`: {@link wordHashEmbedding} of each input (deterministic; texts sharing words are
 * similar), `dimensions` long when the request asks, in OpenAI's response shape.
 */
function answerEmbeddings(response: ServerResponse, body: unknown): void {
  const request = (body ?? {}) as { input?: unknown; model?: unknown; dimensions?: unknown };
  const inputs = typeof request.input === 'string' ? [request.input] : request.input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((input) => typeof input === 'string')) {
    const message = "'input' must be a string or a non-empty array of strings.";
    sendJson(response, 400, errorBody(message, 'invalid_request_error'));
    return;
  }
  const dimensions =
    typeof request.dimensions === 'number' && Number.isInteger(request.dimensions) && request.dimensions > 0
      ? request.dimensions
      : FAKE_EMBEDDING_DIMENSIONS;
  const tokens = inputs.reduce(
    (sum: number, input: string) => sum + Math.max(1, Math.ceil(input.length / 4)),
    0,
  );
  sendJson(response, 200, {
    object: 'list',
    model: typeof request.model === 'string' ? request.model : 'fake-embedding',
    data: inputs.map((input: string, index) => ({
      object: 'embedding',
      index,
      embedding: wordHashEmbedding(input, dimensions),
    })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

const data = (value: unknown, counts = false): ScriptedEvent => ({ data: value, counts });

/** A fake OpenAI-compatible server on 127.0.0.1 speaking the Chat Completions protocol, SSE included. */
export function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  let sequence = 0;
  return startScriptedServer<Behaviour>({
    defaultBehaviour: options.defaultBehaviour ?? { type: 'echo' },
    baseUrl: (origin) => `${origin}/v1`,
    handle({ incoming, response, record, route, unreadable, signal }, script) {
      const authorization = incoming.headers.authorization;
      if (options.apiKey !== undefined && authorization !== `Bearer ${options.apiKey}`) {
        const given = (authorization ?? '').replace(/^Bearer\s+/i, '');
        const masked =
          given.length > 8 ? `${given.slice(0, 3)}${'*'.repeat(given.length - 7)}${given.slice(-4)}` : '***';
        const message = `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`;
        return sendJson(response, 401, errorBody(message, 'invalid_request_error', 'invalid_api_key'));
      }
      if (route === 'GET /v1/models') {
        const created = Math.floor(Date.now() / 1000);
        const list = {
          object: 'list',
          data: (options.models ?? ['fake-model']).map((id) => ({
            id,
            object: 'model',
            created,
            owned_by: 'fake',
          })),
        };
        return playModels(response, record, script.nextModelsFailure(), list, defaultErrorBody);
      }
      if (route === 'POST /v1/embeddings') return answerEmbeddings(response, record.body);
      if (route !== 'POST /v1/chat/completions') {
        const message = `Unknown request URL: ${route}.`;
        return sendJson(response, 404, errorBody(message, 'invalid_request_error', 'unknown_url'));
      }
      const invalid = unreadable
        ? 'We could not parse the JSON body of your request.'
        : invalidChatRequest(record.body);
      if (invalid !== undefined) return sendJson(response, 400, errorBody(invalid, 'invalid_request_error'));

      sequence += 1;
      const behaviour = script.nextBehaviour(record);
      if (behaviour.type === 'error') {
        return sendScriptedError(response, behaviour, defaultErrorBody, {
          'x-request-id': `req_fake_${Date.now()}`,
        });
      }
      const request = record.body as ChatRequest;
      const marked = markedFor(behaviour, request);
      const whole = answerFor(behaviour, request, sequence, marked);
      const answer = options.maxTokens === 'honour' ? withinMaxTokens(whole, request.max_tokens) : whole;
      const context: ChunkContext = {
        id: `chatcmpl-fake-${sequence}`,
        model: request.model,
        created: Math.floor(Date.now() / 1000),
        promptTokens: estimatePromptTokens(request),
      };
      if (request.stream !== true) {
        const failure =
          behaviour.type === 'stall' || behaviour.type === 'cut' || behaviour.type === 'malformed';
        return playWhole(response, record, failure ? behaviour.type : undefined, () =>
          completion(answer, context),
        );
      }
      const chunks = streamChunks(answer, context);
      const usage = request.stream_options?.include_usage === true ? [data(chunks.usage)] : [];
      const playback: Playback = {
        head: [data(chunks.head)],
        body: chunks.body.map((chunk) => data(chunk, true)),
        tail: [data(chunks.finish), ...usage, data('[DONE]')],
        ...playbackFor(behaviour, 'data: {not json\n\n'),
        delayMs: behaviour.type === 'marked' ? marked?.delayMs : behaviour.delayMs,
      };
      return playStream(response, record, playback, signal);
    },
  });
}
