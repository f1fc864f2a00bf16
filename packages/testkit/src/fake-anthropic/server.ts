import type { IncomingHttpHeaders } from 'node:http';
import {
  type ErrorBehaviour,
  type Playback,
  playbackFor,
  playModels,
  playStream,
  playWhole,
  type ScriptedRequest,
  sendScriptedError,
  startScriptedServer,
} from '../fake-model';
import { sendJson } from '../http';
import type { Behaviour, FakeAnthropic, FakeAnthropicOptions } from './behaviours';
import { defaultErrorBody, errorBody, invalidMessagesRequest } from './errors';
import { type AnswerContext, answerEvents, type FakeAnswer, wholeMessage } from './events';

const DEFAULT_CHUNK_SIZE = 4;
const UNFINISHED_TEXT = 'This answer never finishes, however long you wait.';

interface MessagesRequest {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content: unknown }[];
  readonly system?: unknown;
  readonly stream?: boolean;
}

/** The text of a message's content: a string, or its text blocks joined (tool results left out). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: { type?: unknown; text?: unknown }) =>
      block.type === 'text' && typeof block.text === 'string' ? block.text : '',
    )
    .join('');
}

/** About one token per four characters of the system prompt and the messages, at least one. */
function estimateInputTokens(request: MessagesRequest): number {
  const characters = request.messages.reduce(
    (sum, message) => sum + textOf(message.content).length,
    textOf(request.system).length,
  );
  return Math.max(1, Math.ceil(characters / 4));
}

function answerFor(
  behaviour: Exclude<Behaviour, ErrorBehaviour>,
  request: MessagesRequest,
  sequence: number,
): FakeAnswer {
  const chunkSize = behaviour.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const plain = (text: string): FakeAnswer => ({
    text,
    toolUses: [],
    stopReason: 'end_turn',
    usage: undefined,
    chunkSize,
  });
  switch (behaviour.type) {
    case 'text':
      return {
        ...plain(behaviour.text),
        stopReason: behaviour.stopReason ?? 'end_turn',
        usage: behaviour.usage,
      };
    case 'echo': {
      const lastUser = request.messages.findLast((message) => message.role === 'user');
      return { ...plain(`You said: ${textOf(lastUser?.content)}`), usage: behaviour.usage };
    }
    case 'tool-calls':
      return {
        ...plain(behaviour.text ?? ''),
        stopReason: 'tool_use',
        usage: behaviour.usage,
        toolUses: behaviour.calls.map((call, index) => ({
          id: call.id ?? `toolu_${sequence}_${index}`,
          name: call.name,
          input: typeof call.input === 'string' ? call.input : JSON.stringify(call.input),
        })),
      };
    default:
      return plain(behaviour.text ?? UNFINISHED_TEXT);
  }
}

/** How far to play the answer, and what ends it: an `error` event, or what every fake does. */
function interruption(behaviour: Exclude<Behaviour, ErrorBehaviour>): Pick<Playback, 'limit' | 'after'> {
  if (behaviour.type !== 'error-event')
    return playbackFor(behaviour, 'event: content_block_delta\ndata: {not json\n\n');
  const error = errorBody(behaviour.errorType ?? 'overloaded_error', behaviour.message ?? 'Overloaded');
  return {
    limit: behaviour.afterChunks ?? 0,
    after: { raw: `event: error\ndata: ${JSON.stringify(error)}\n\n` },
  };
}

/** The key a request carries, from `x-api-key` or `Authorization: Bearer`. */
function givenKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  return /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
}

/** Why the Messages API would refuse this request with a 400, or `undefined`. */
function refusal({ incoming, record, unreadable }: ScriptedRequest): string | undefined {
  if (unreadable) return 'There was an issue with your request body: it is not valid JSON.';
  if (incoming.headers['anthropic-version'] === undefined) return 'anthropic-version: header is required';
  return invalidMessagesRequest(record.body);
}

/** A fake Anthropic Messages API on 127.0.0.1 (`POST /v1/messages`, `GET /v1/models`), streaming included. */
export function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  let sequence = 0;
  return startScriptedServer<Behaviour>({
    defaultBehaviour: options.defaultBehaviour ?? { type: 'echo' },
    baseUrl: (origin) => origin,
    handle(request, script) {
      const { incoming, response, record, route, signal } = request;
      const key = givenKey(incoming.headers);
      if (key === undefined || (options.apiKey !== undefined && key !== options.apiKey)) {
        const message = key === undefined ? 'x-api-key header is required' : 'invalid x-api-key';
        return sendJson(response, 401, errorBody('authentication_error', message));
      }
      if (route === 'GET /v1/models') {
        const ids = options.models ?? ['claude-fake'];
        const list = {
          data: ids.map((id) => ({
            type: 'model',
            id,
            display_name: id,
            created_at: '2025-01-01T00:00:00Z',
          })),
          has_more: false,
          first_id: ids[0] ?? null,
          last_id: ids.at(-1) ?? null,
        };
        return playModels(response, record, script.nextModelsFailure(), list, defaultErrorBody);
      }
      if (route !== 'POST /v1/messages')
        return sendJson(response, 404, errorBody('not_found_error', `Not found: ${route}`));
      const invalid = refusal(request);
      if (invalid !== undefined) return sendJson(response, 400, errorBody('invalid_request_error', invalid));

      sequence += 1;
      const requestId = { 'request-id': `req_fake_${sequence}` };
      const behaviour = script.nextBehaviour(request.record);
      if (behaviour.type === 'error')
        return sendScriptedError(response, behaviour, defaultErrorBody, requestId);
      const body = record.body as MessagesRequest;
      const answer = answerFor(behaviour, body, sequence);
      const context: AnswerContext = {
        id: `msg_fake_${sequence}`,
        model: body.model,
        inputTokens: estimateInputTokens(body),
      };
      if (body.stream !== true) {
        if (behaviour.type === 'error-event')
          return sendJson(response, 529, defaultErrorBody(529), requestId);
        const failure =
          behaviour.type === 'stall' || behaviour.type === 'cut' || behaviour.type === 'malformed';
        return playWhole(response, record, failure ? behaviour.type : undefined, () =>
          wholeMessage(answer, context),
        );
      }
      const events = answerEvents(answer, context);
      const playback = {
        ...events,
        ...interruption(behaviour),
        delayMs: behaviour.delayMs,
        headers: requestId,
      };
      return playStream(response, record, playback, signal);
    },
  });
}
