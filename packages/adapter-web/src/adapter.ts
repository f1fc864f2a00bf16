import { randomUUID } from 'node:crypto';
import {
  type ChatAdapter,
  type EventSink,
  type InboundEvent,
  isFinalPart,
  type OutboundMessage,
  parseCommand,
  type ReplyAddress,
  type ReplyPart,
  type SentMessage,
  type WebhookRoute,
} from '@switchboard/core';
import { isAuthorized } from './auth';
import { renderChatPage } from './page';
import { parseMessageRequest } from './request';
import { encodePart } from './sse';

/** Settings of the web adapter. */
export interface WebAdapterOptions {
  /** `SWITCHBOARD_API_TOKEN`: when set, every API call needs it as a bearer token. */
  readonly apiToken: string | undefined;
}

/** The owner's identity on the web platform. */
export const WEB_OWNER = 'owner';

interface OpenStream {
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
  open: boolean;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const problem = (status: number, code: string, message: string, headers?: Record<string, string>) =>
  json(status, { error: { code, message } }, headers);

/**
 * The built-in web chat: `GET /` serves the page, `POST /api/messages` takes `{ conversation?, text }`
 * and answers with a `text/event-stream` of reply parts. Streams natively: parts go straight to the
 * open HTTP response.
 */
export function createWebAdapter(options: WebAdapterOptions): ChatAdapter {
  const streams = new Map<string, OpenStream>();
  let sink: EventSink | undefined;

  const write = (requestId: string, part: ReplyPart) => {
    const stream = streams.get(requestId);
    if (!stream?.open) return;
    stream.controller.enqueue(encodePart(part));
    if (isFinalPart(part)) {
      stream.open = false;
      stream.controller.close();
      streams.delete(requestId);
    }
  };

  const handleMessage: WebhookRoute['handle'] = async (request, context) => {
    if (!isAuthorized(request, context.remoteAddress, options.apiToken)) {
      const how = options.apiToken
        ? 'Send the API token as "Authorization: Bearer <SWITCHBOARD_API_TOKEN>".'
        : 'Only this machine may use the web chat; set SWITCHBOARD_API_TOKEN to allow others.';
      return problem(401, 'unauthorized', how);
    }
    if (sink === undefined)
      return problem(503, 'starting', 'The box is still starting; try again in a moment.');
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return problem(400, 'bad_json', 'The body is not valid JSON. Send {"text": "hello"}.');
    }
    const parsed = parseMessageRequest(body);
    if ('error' in parsed) return problem(400, 'bad_request', parsed.error);

    const idempotencyKey = request.headers.get('idempotency-key');
    if (idempotencyKey !== null && !/^[\w.:-]{1,128}$/.test(idempotencyKey)) {
      return problem(
        400,
        'bad_request',
        'Idempotency-Key must be 1-128 letters, digits, dots, colons, dashes or underscores.',
      );
    }
    const id = `web:${idempotencyKey ?? randomUUID()}`;
    const event = toEvent(id, parsed.conversation, parsed.text);
    if (streams.has(id))
      return problem(409, 'duplicate', 'A request with this Idempotency-Key is already streaming.');
    let streamController!: ReadableStreamDefaultController<Uint8Array>;
    const events = new ReadableStream<Uint8Array>({
      start: (controller) => {
        streamController = controller;
      },
      cancel: () => {
        const stream = streams.get(id);
        if (stream) stream.open = false;
        streams.delete(id);
      },
    });
    streams.set(id, { controller: streamController, open: true });
    const result = await sink(event);
    if (result.status === 'accepted') {
      return new Response(events, {
        status: 200,
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          'x-request-id': id,
        },
      });
    }
    streams.delete(id);
    if (result.status === 'busy') {
      const seconds = Math.ceil(result.retryAfterMs / 1000);
      return problem(503, 'busy', `The box is busy right now. Please try again in ${seconds} seconds.`, {
        'retry-after': String(seconds),
      });
    }
    if (result.status === 'duplicate')
      return problem(409, 'duplicate', 'This request was already received (same Idempotency-Key).');
    return problem(422, 'ignored', result.reason);
  };

  return {
    platform: 'web',
    limits: { maxLength: 1_000_000, minEditIntervalMs: 0, canEdit: true, maxButtons: 10 },
    async start(eventSink) {
      sink = eventSink;
    },
    routes: () => [
      {
        method: 'GET',
        path: '/',
        handle: async () =>
          new Response(renderChatPage(), { headers: { 'content-type': 'text/html; charset=utf-8' } }),
      },
      { method: 'POST', path: '/api/messages', handle: handleMessage },
    ],
    async stream(to: ReplyAddress, parts: AsyncIterable<ReplyPart>): Promise<SentMessage> {
      const requestId = String(to.data['requestId']);
      for await (const part of parts) write(requestId, part);
      return { platform: 'web', id: requestId, address: to };
    },
    async post(to: ReplyAddress, message: OutboundMessage): Promise<SentMessage> {
      const requestId = String(to.data['requestId']);
      if (message.final) write(requestId, { type: 'reply-end', text: message.text, meta: {} });
      else write(requestId, { type: 'status', text: message.text });
      return { platform: 'web', id: requestId, address: to };
    },
    async edit(sent: SentMessage, message: OutboundMessage): Promise<void> {
      await this.post(sent.address, message);
    },
    async stop() {
      sink = undefined;
      for (const [id, stream] of streams) {
        if (stream.open)
          write(id, {
            type: 'error',
            code: 'shutting_down',
            message: 'The box is shutting down; ask again once it is back.',
          });
      }
    },
  };
}

function toEvent(id: string, conversation: string, text: string): InboundEvent {
  const command = parseCommand(text, { direct: true });
  return {
    id,
    kind: text.trim().startsWith('/') ? 'command' : 'message',
    conversation: { platform: 'web', account: 'local', channel: conversation, direct: true },
    author: { platformUserId: WEB_OWNER, displayName: 'Owner' },
    text,
    ...(command ? { command } : {}),
    reply: { platform: 'web', data: { requestId: id } },
    receivedAt: new Date().toISOString(),
  };
}
