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
import { type ChunkContext, completion, type FakeAnswer, streamChunks } from './chunks';
import { defaultErrorBody, errorBody, invalidChatRequest } from './errors';

const DEFAULT_CHUNK_SIZE = 4;
const UNFINISHED_TEXT = 'This answer never finishes, however long you wait.';

interface ChatRequest {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content?: unknown }[];
  readonly stream?: boolean;
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

function answerFor(
  behaviour: Exclude<Behaviour, ErrorBehaviour>,
  request: ChatRequest,
  sequence: number,
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
    case 'echo': {
      const lastUser = request.messages.findLast((message) => message.role === 'user');
      return { ...plain(`You said: ${textOf(lastUser?.content)}`), usage: behaviour.usage };
    }
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
      if (route !== 'POST /v1/chat/completions') {
        const message = `Unknown request URL: ${route}.`;
        return sendJson(response, 404, errorBody(message, 'invalid_request_error', 'unknown_url'));
      }
      const invalid = unreadable
        ? 'We could not parse the JSON body of your request.'
        : invalidChatRequest(record.body);
      if (invalid !== undefined) return sendJson(response, 400, errorBody(invalid, 'invalid_request_error'));

      sequence += 1;
      const behaviour = script.nextBehaviour();
      if (behaviour.type === 'error') {
        return sendScriptedError(response, behaviour, defaultErrorBody, {
          'x-request-id': `req_fake_${Date.now()}`,
        });
      }
      const request = record.body as ChatRequest;
      const answer = answerFor(behaviour, request, sequence);
      const context: ChunkContext = {
        id: `chatcmpl-fake-${sequence}`,
        model: request.model,
        created: Math.floor(Date.now() / 1000),
        promptTokens: estimatePromptTokens(request),
      };
      if (request.stream !== true) {
        const failure =
          behaviour.type === 'text' || behaviour.type === 'echo' || behaviour.type === 'tool-calls';
        return playWhole(response, record, failure ? undefined : behaviour.type, () =>
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
        delayMs: behaviour.delayMs,
      };
      return playStream(response, record, playback, signal);
    },
  });
}
