import { randomUUID } from 'node:crypto';
import {
  abandonEvent,
  type ChatAdapter,
  type EventSink,
  type InboundEvent,
  isFinalPart,
  type Logger,
  type OutboundMessage,
  parseCommand,
  type ReplyAddress,
  type ReplyPart,
  type SentMessage,
  type WebhookRoute,
} from '@switchboard/core';
import { approvalRoute } from './approvals';
import { isAuthorized } from './auth';
import { listenRoute } from './listen-route';
import { WEB_OWNER } from './owner';
import { renderChatPage } from './page';
import { problem } from './problem';
import { ConversationPush } from './push';
import { MAX_BODY_BYTES, parseMessageRequest, webConversation } from './request';
import { encodePart } from './sse';

/** Settings of the web adapter. */
export interface WebAdapterOptions {
  /** `SWITCHBOARD_API_TOKEN`: when set, every API call needs it as a bearer token. */
  readonly apiToken: string | undefined;
  /** Where the adapter reports clients that went away; nothing is logged without it. */
  readonly logger?: Logger;
}

export { WEB_OWNER } from './owner';

interface OpenStream {
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
  /** False once the reply ended or the client went away. */
  open: boolean;
  /** True once the reply said its request goes on in the background: the client may go without stopping it. */
  background: boolean;
}

/**
 * The built-in web chat: `GET /` serves the page, `POST /api/messages` takes `{ conversation?, text }`
 * and answers with a `text/event-stream` of reply parts (approval requests included; the stream stays
 * open until the task's `reply-end` or `error`), and `POST /api/approvals/{approvalId}` decides one.
 * Streams natively: parts go straight to the open HTTP response. When the client goes away before the
 * reply ended, the adapter hands the sink an `abandon` action for the request, and the agent cancels its
 * task (ADR 0021) — unless the reply said the request goes on in the background (ADR 0040): then the
 * client may go, and the rest of the reply is pushed to the conversation (ADR 0054). Parts whose request
 * has no open stream (a schedule's runs, a request in the background whose client went) are pushed to the
 * pages listening on `GET /api/conversations/{conversation}/events` (ADR 0051).
 */
export function createWebAdapter(options: WebAdapterOptions): ChatAdapter {
  const streams = new Map<string, OpenStream>();
  const push = new ConversationPush();
  /** Requests answered to an HTTP call rather than a stream (approval presses): their final part. */
  const awaited = new Map<string, (part: ReplyPart | undefined) => void>();
  let sink: EventSink | undefined;

  const finalPart = (requestId: string, timeoutMs: number) =>
    new Promise<ReplyPart | undefined>((resolve) => {
      const timer = setTimeout(() => {
        awaited.delete(requestId);
        resolve(undefined);
      }, timeoutMs);
      awaited.set(requestId, (part) => {
        clearTimeout(timer);
        awaited.delete(requestId);
        resolve(part);
      });
    });

  /**
   * The client of `event` went away: forget its stream and, if its reply had not ended, abandon it —
   * unless the request went on in the background, whose later parts go to the conversation's listeners.
   */
  const abandon = (event: InboundEvent, stream: OpenStream) => {
    if (!stream.open) return;
    stream.open = false;
    if (streams.get(event.id) === stream) streams.delete(event.id);
    if (stream.background) {
      options.logger?.info({ eventId: event.id }, 'web client left a request that goes on in the background');
      return;
    }
    push.abandoned(event.id);
    const current = sink;
    if (current === undefined) return;
    const address: ReplyAddress = { platform: 'web', data: { requestId: `${event.id}#abandon` } };
    options.logger?.info({ eventId: event.id }, 'web client went away; abandoning its request');
    current(abandonEvent(event, address, new Date())).then(
      (result) => {
        if (result.status !== 'accepted' && result.status !== 'duplicate')
          options.logger?.warn({ eventId: event.id, status: result.status }, 'abandoning a request failed');
      },
      (error: unknown) =>
        options.logger?.warn(
          { eventId: event.id, error: error instanceof Error ? error.message : String(error) },
          'abandoning a request failed',
        ),
    );
  };

  const write = (to: ReplyAddress, part: ReplyPart) => {
    const requestId = String(to.data['requestId']);
    const waiting = awaited.get(requestId);
    if (waiting !== undefined) {
      if (isFinalPart(part)) waiting(part);
      return;
    }
    const stream = streams.get(requestId);
    if (!stream?.open) {
      const conversation = to.data['conversation'];
      push.deliver(typeof conversation === 'string' ? conversation : undefined, requestId, part);
      return;
    }
    if (part.type === 'status' && part.background !== undefined) stream.background = true;
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
    let stream!: OpenStream;
    let accepted = false;
    let gone = false;
    const clientGone = () => {
      gone = true;
      if (accepted) abandon(event, stream);
    };
    const events = new ReadableStream<Uint8Array>({
      start: (controller) => {
        stream = { controller, open: true, background: false };
      },
      cancel: clientGone,
    });
    streams.set(id, stream);
    request.signal.addEventListener('abort', clientGone, { once: true });
    const result = await sink(event);
    if (result.status === 'accepted') {
      accepted = true;
      if (gone || request.signal.aborted) abandon(event, stream);
      return new Response(events, {
        status: 200,
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          'x-request-id': id,
        },
      });
    }
    stream.open = false;
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
        caller: 'owner',
        handle: async () =>
          new Response(renderChatPage(), { headers: { 'content-type': 'text/html; charset=utf-8' } }),
      },
      {
        method: 'POST',
        path: '/api/messages',
        caller: 'owner',
        maxBodyBytes: MAX_BODY_BYTES,
        handle: handleMessage,
      },
      approvalRoute({ apiToken: options.apiToken, sink: () => sink, finalPart }),
      listenRoute({ apiToken: options.apiToken, push }),
    ],
    async stream(to: ReplyAddress, parts: AsyncIterable<ReplyPart>): Promise<SentMessage> {
      for await (const part of parts) write(to, part);
      return { platform: 'web', id: String(to.data['requestId']), address: to };
    },
    async post(to: ReplyAddress, message: OutboundMessage): Promise<SentMessage> {
      if (message.final) write(to, { type: 'reply-end', text: message.text, meta: {} });
      else write(to, { type: 'status', text: message.text });
      return { platform: 'web', id: String(to.data['requestId']), address: to };
    },
    async edit(sent: SentMessage, message: OutboundMessage): Promise<void> {
      await this.post(sent.address, message);
    },
    async stop() {
      sink = undefined;
      push.close();
      for (const [id, stream] of streams) {
        if (stream.open)
          write(
            { platform: 'web', data: { requestId: id } },
            {
              type: 'error',
              code: 'shutting_down',
              message: 'The box is shutting down; ask again once it is back.',
            },
          );
      }
    },
  };
}

function toEvent(id: string, conversation: string, text: string): InboundEvent {
  const command = parseCommand(text, { direct: true });
  return {
    id,
    kind: text.trim().startsWith('/') ? 'command' : 'message',
    conversation: webConversation(conversation),
    author: { platformUserId: WEB_OWNER, displayName: 'Owner' },
    text,
    ...(command ? { command } : {}),
    reply: { platform: 'web', data: { requestId: id, conversation } },
    receivedAt: new Date().toISOString(),
  };
}
