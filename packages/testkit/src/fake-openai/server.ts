import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listen, readJson, type SseWriter, sendJson, startSse } from '../http';
import type {
  Behaviour,
  ErrorBehaviour,
  FakeOpenAI,
  FakeOpenAIOptions,
  ModelsFailure,
  RecordedRequest,
} from './behaviours';
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

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
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

function sendError(response: ServerResponse, behaviour: ErrorBehaviour): void {
  const headers: Record<string, string> = { 'x-request-id': `req_fake_${Date.now()}` };
  if (behaviour.retryAfterSeconds !== undefined) headers['retry-after'] = String(behaviour.retryAfterSeconds);
  sendJson(response, behaviour.status, behaviour.body ?? defaultErrorBody(behaviour.status), {
    ...headers,
    ...behaviour.headers,
  });
}

/** Destroy the socket once what was written has reached it, so the client sees the partial answer first. */
function cutAfterFlush(response: ServerResponse, record: RecordedRequest): Promise<void> {
  record.outcome = 'cut';
  return new Promise((resolve) => {
    response.write('', () => {
      response.destroy();
      resolve();
    });
  });
}

/** A fake OpenAI-compatible server on 127.0.0.1 speaking the Chat Completions protocol, SSE included. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  let defaultBehaviour: Behaviour = options.defaultBehaviour ?? { type: 'echo' };
  const queue: Behaviour[] = [];
  const modelsQueue: ModelsFailure[] = [];
  const requests: RecordedRequest[] = [];
  let closing = false;
  let sequence = 0;

  async function chat(
    request: ChatRequest,
    response: ServerResponse,
    record: RecordedRequest,
    signal: AbortSignal,
  ) {
    sequence += 1;
    const behaviour = queue.shift() ?? defaultBehaviour;
    if (behaviour.type === 'error') return sendError(response, behaviour);
    const answer = answerFor(behaviour, request, sequence);
    const context: ChunkContext = {
      id: `chatcmpl-fake-${sequence}`,
      model: request.model,
      created: Math.floor(Date.now() / 1000),
      promptTokens: estimatePromptTokens(request),
    };

    if (request.stream !== true) {
      if (behaviour.type === 'stall') return;
      if (behaviour.type === 'cut') return cutAfterFlush(response, record);
      if (behaviour.type === 'malformed') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{not json');
        return;
      }
      return sendJson(response, 200, completion(answer, context));
    }

    if (behaviour.type === 'stall' && !behaviour.afterChunks) return;
    const chunks = streamChunks(answer, context);
    const interrupted =
      behaviour.type === 'stall' || behaviour.type === 'cut' || behaviour.type === 'malformed';
    const limit = interrupted ? (behaviour.afterChunks ?? 0) : chunks.body.length;
    const sse: SseWriter = startSse(response);
    sse.send(chunks.head);
    for (const [index, chunk] of chunks.body.slice(0, limit).entries()) {
      if (index > 0 && behaviour.delayMs) {
        await sleep(behaviour.delayMs, undefined, { signal }).catch(() => undefined);
      }
      if (!sse.send(chunk)) return;
    }
    if (behaviour.type === 'stall') return;
    if (behaviour.type === 'cut') return cutAfterFlush(response, record);
    if (behaviour.type === 'malformed') {
      sse.raw('data: {not json\n\n');
      return sse.end();
    }
    sse.send(chunks.finish);
    if (request.stream_options?.include_usage === true) sse.send(chunks.usage);
    sse.send('[DONE]');
    sse.end();
  }

  function models(response: ServerResponse, record: RecordedRequest) {
    const failure = modelsQueue.shift();
    if (failure?.type === 'error') return sendError(response, failure);
    if (failure?.type === 'stall') return;
    if (failure?.type === 'cut') return cutAfterFlush(response, record);
    const created = Math.floor(Date.now() / 1000);
    sendJson(response, 200, {
      object: 'list',
      data: (options.models ?? ['fake-model']).map((id) => ({
        id,
        object: 'model',
        created,
        owned_by: 'fake',
      })),
    });
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse) {
    const path = new URL(incoming.url ?? '/', 'http://127.0.0.1').pathname;
    const headers = flattenHeaders(incoming.headers);
    let body: unknown;
    let unreadable = false;
    try {
      body = await readJson(incoming);
    } catch {
      unreadable = true;
    }
    const record: RecordedRequest = {
      method: incoming.method ?? 'GET',
      path,
      headers,
      body,
      at: Date.now(),
      outcome: 'pending',
    };
    requests.push(record);
    const controller = new AbortController();
    response.on('close', () => {
      controller.abort();
      if (record.outcome !== 'pending') return;
      record.outcome = response.writableFinished ? 'completed' : closing ? 'server-closed' : 'client-closed';
    });

    const authorization = incoming.headers.authorization;
    if (options.apiKey !== undefined && authorization !== `Bearer ${options.apiKey}`) {
      const given = (authorization ?? '').replace(/^Bearer\s+/i, '');
      const masked =
        given.length > 8 ? `${given.slice(0, 3)}${'*'.repeat(given.length - 7)}${given.slice(-4)}` : '***';
      return sendJson(
        response,
        401,
        errorBody(
          `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          'invalid_request_error',
          'invalid_api_key',
        ),
      );
    }
    const route = `${record.method} ${path.replace(/\/+$/, '')}`;
    if (route === 'POST /v1/chat/completions') {
      if (unreadable) {
        return sendJson(
          response,
          400,
          errorBody('We could not parse the JSON body of your request.', 'invalid_request_error'),
        );
      }
      const invalid = invalidChatRequest(body);
      if (invalid !== undefined) return sendJson(response, 400, errorBody(invalid, 'invalid_request_error'));
      return chat(body as ChatRequest, response, record, controller.signal);
    }
    if (route === 'GET /v1/models') return models(response, record);
    sendJson(
      response,
      404,
      errorBody(`Unknown request URL: ${route}.`, 'invalid_request_error', 'unknown_url'),
    );
  }

  const server = await listen(handle);
  return {
    url: `${server.url}/v1`,
    enqueue: (...behaviours) => {
      queue.push(...behaviours);
    },
    enqueueModels: (...failures) => {
      modelsQueue.push(...failures);
    },
    setDefault: (behaviour) => {
      defaultBehaviour = behaviour;
    },
    requests,
    get requestCount() {
      return requests.length;
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      modelsQueue.length = 0;
    },
    close: () => {
      closing = true;
      return server.close();
    },
  };
}
