import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A `node:http` server listening on 127.0.0.1 at a free port. */
export interface TestServer {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Stop listening and destroy every open connection, stalled ones included. Safe to call twice. */
  close(): Promise<void>;
}

/** What a fake answers a request with. A thrown error becomes a 500 (or a destroyed socket mid-answer). */
export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/** Listen on 127.0.0.1 at `port` (a free one when left out) and call `handler` for every request. */
export async function listen(handler: RequestHandler, port = 0): Promise<TestServer> {
  const server = createServer((request, response) => {
    Promise.resolve()
      .then(() => handler(request, response))
      .catch((error: unknown) => {
        if (response.headersSent) {
          response.destroy();
          return;
        }
        sendJson(response, 500, {
          error: { message: `fake server failed: ${String(error)}`, type: 'server_error' },
        });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** The whole request body as text. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The request body parsed as JSON: `undefined` when empty; throws a SyntaxError when it is not JSON. */
export async function readJson(request: IncomingMessage): Promise<unknown> {
  const text = await readBody(request);
  return text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
}

/** Answer with a JSON body. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Writes a `text/event-stream` answer one event at a time. */
export interface SseWriter {
  /** Write `data: <json>\n\n` (a string is written as is). False once the client has gone. */
  send(data: unknown, event?: string): boolean;
  /** Write raw text, for malformed events. */
  raw(text: string): boolean;
  /** Finish the answer normally. */
  end(): void;
  /** True once the client closed the connection or the answer ended. */
  readonly closed: boolean;
}

/** Send the SSE headers now and return a writer for the events. */
export function startSse(
  response: ServerResponse,
  headers: Readonly<Record<string, string>> = {},
): SseWriter {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  response.flushHeaders();
  const writable = () => !response.destroyed && !response.writableEnded;
  const raw = (text: string) => {
    if (!writable()) return false;
    response.write(text);
    return true;
  };
  return {
    send(data, event) {
      const payload = typeof data === 'string' ? data : JSON.stringify(data);
      return raw(`${event === undefined ? '' : `event: ${event}\n`}data: ${payload}\n\n`);
    },
    raw,
    end() {
      if (writable()) response.end();
    },
    get closed() {
      return !writable();
    },
  };
}
