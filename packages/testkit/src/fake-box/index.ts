import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { isFinalPart, type ReplyPart } from '@switchboard/core';
import { readBody, sendJson, listen as serve } from '../http';

/** One step of a scripted reply: a part to send, or a pause until the chat sends an approval choice. */
export type FakeBoxStep = ReplyPart | { readonly type: 'await-approval' };

/** A scripted reply; without a final part the stream stays open until the client goes (a slow answer). */
export interface FakeBoxReply {
  readonly steps: readonly FakeBoxStep[];
  /** Milliseconds between steps. */
  readonly delayMs?: number;
}

/** A request the fake box received. */
export interface FakeBoxRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  /** For messages: still streaming, sent in full, or the client closed the connection first. */
  outcome: 'streaming' | 'completed' | 'client-closed';
}

/** Options of {@link startFakeBox}. */
export interface FakeBoxOptions {
  /** When set, requests need `Authorization: Bearer <apiToken>`. */
  readonly apiToken?: string;
  /** `missing` answers approvals with the 404 of a box that has no approvals API. */
  readonly approvals?: 'accept' | 'missing';
  /** `missing` answers the event stream with the 404 of a box that has none. */
  readonly events?: 'serve' | 'missing';
  /** The port to listen on (to start a box again where a client expects it); a free one when left out. */
  readonly port?: number;
  /** Each conversation's earlier turns, oldest first, for `GET /api/conversations/{c}/messages`. */
  readonly earlier?: Readonly<Record<string, readonly { role: 'user' | 'assistant'; text: string }[]>>;
}

/**
 * A stand-in for a running box's web API, for testing its clients: `/healthz`, messages, approvals, and
 * each conversation's event stream and earlier turns (`GET /api/conversations/{conversation}/events`,
 * `…/messages`).
 */
export interface FakeBox {
  readonly url: string;
  readonly port: number;
  readonly messages: readonly FakeBoxRequest[];
  readonly approvals: readonly FakeBoxRequest[];
  /** Replies for the next messages, in order; after them each message is echoed. */
  enqueue(...replies: FakeBoxReply[]): void;
  /** How many clients listen to each conversation's event stream now. */
  listeners(conversation: string): number;
  /** Send a part of an answer no request waits for (a schedule's run) to the conversation's listeners. */
  push(conversation: string, requestId: string, part: ReplyPart): void;
  close(): Promise<void>;
}

/** Start a fake box on 127.0.0.1 that speaks `POST /api/messages` (server-sent reply parts) and approvals. */
export async function startFakeBox(options: FakeBoxOptions = {}): Promise<FakeBox> {
  const queue: FakeBoxReply[] = [];
  const messages: FakeBoxRequest[] = [];
  const approvals: FakeBoxRequest[] = [];
  const listening = new Map<string, Set<ServerResponse>>();
  let approvalArrived: (() => void) | undefined;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (request.method === 'GET' && path === '/healthz') return sendJson(response, 200, { ok: true });
    if (options.apiToken && request.headers.authorization !== `Bearer ${options.apiToken}`)
      return sendJson(response, 401, { error: { code: 'unauthorized', message: 'Send the API token.' } });
    const turns = /^\/api\/conversations\/([^/]+)\/messages$/.exec(path);
    if (request.method === 'GET' && turns?.[1] !== undefined) {
      const limit = Number(new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('limit') ?? 50);
      const all = options.earlier?.[decodeURIComponent(turns[1])] ?? [];
      const messages = all
        .slice(-limit)
        .map((turn) => ({ ...turn, at: new Date(0).toISOString(), taskId: null }));
      return sendJson(response, 200, { conversation: decodeURIComponent(turns[1]), messages });
    }
    const events = /^\/api\/conversations\/([^/]+)\/events$/.exec(path);
    if (request.method === 'GET' && events?.[1] !== undefined) {
      if (options.events === 'missing')
        return sendJson(response, 404, { error: { code: 'not_found', message: `Nothing at ${path}.` } });
      return listen(decodeURIComponent(events[1]), response);
    }
    if (!request.headers['content-type']?.startsWith('application/json'))
      return sendJson(response, 415, { error: { code: 'unsupported_media_type', message: 'Send JSON.' } });
    const text = await readBody(request);
    const record: FakeBoxRequest = {
      path,
      headers: request.headers,
      body: JSON.parse(text) as unknown,
      outcome: 'streaming',
    };
    if (request.method === 'POST' && path.startsWith('/api/approvals/')) {
      approvals.push(record);
      record.outcome = 'completed';
      approvalArrived?.();
      if (options.approvals === 'missing')
        return sendJson(response, 404, { error: { code: 'not_found', message: `Nothing at ${path}.` } });
      return sendJson(response, 200, { ok: true });
    }
    if (request.method !== 'POST' || path !== '/api/messages')
      return sendJson(response, 404, { error: { code: 'not_found', message: `Nothing at ${path}.` } });
    messages.push(record);
    const closed = new AbortController();
    response.on('close', () => {
      if (record.outcome === 'streaming') record.outcome = 'client-closed';
      closed.abort();
    });
    const echo = `You said: ${(record.body as { text?: string }).text ?? ''}`;
    const reply = queue.shift() ?? { steps: [{ type: 'reply-end', text: echo, meta: {} }] };
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    response.flushHeaders();
    for (const step of reply.steps) {
      if (closed.signal.aborted) return;
      if (reply.delayMs) await sleep(reply.delayMs, undefined, { signal: closed.signal }).catch(() => {});
      if (step.type === 'await-approval') {
        await new Promise<void>((resolve) => {
          approvalArrived = resolve;
          closed.signal.addEventListener('abort', () => resolve());
        });
        continue;
      }
      if (closed.signal.aborted) return;
      response.write(`data: ${JSON.stringify(step)}\n\n`);
      if (isFinalPart(step)) {
        record.outcome = 'completed';
        response.end();
        return;
      }
    }
  };

  const listen = (conversation: string, response: ServerResponse) => {
    const set = listening.get(conversation) ?? new Set();
    listening.set(conversation, set);
    set.add(response);
    response.on('close', () => set.delete(response));
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    response.flushHeaders();
  };

  const server = await serve(handle, options.port);
  return {
    url: server.url,
    port: server.port,
    messages,
    approvals,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    listeners: (conversation) => listening.get(conversation)?.size ?? 0,
    push(conversation, requestId, part) {
      for (const response of listening.get(conversation) ?? [])
        response.write(`data: ${JSON.stringify({ requestId, part })}\n\n`);
    },
    close: () => {
      for (const set of listening.values()) for (const response of set) response.end();
      return server.close();
    },
  };
}
