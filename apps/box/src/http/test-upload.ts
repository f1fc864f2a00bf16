import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

/** How a large upload went: the answer, and how much of the body the client could send. */
export interface UploadResult {
  /** The status line's code, or undefined when no answer came. */
  readonly status: number | undefined;
  /** The answer as received (headers and body). */
  readonly answer: string;
  /** Body bytes the client handed to the connection before it ended (or all of them). */
  readonly written: number;
  /** Body bytes written when the first byte of the answer arrived. */
  readonly writtenBeforeAnswer: number | undefined;
}

/**
 * POST `totalBytes` of body over a raw socket, 64 KiB at a time and only as fast as the connection takes
 * it (with `Content-Length`, or chunked without one), until everything is sent or the server hangs up.
 * For tests: a server that reads the whole body lets every byte through; one that stops at a limit
 * closes the connection long before.
 */
export async function uploadLargeBody(options: {
  readonly port: number;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly totalBytes: number;
  readonly chunked: boolean;
}): Promise<UploadResult> {
  const socket = connect(options.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let answer = '';
  let written = 0;
  let writtenBeforeAnswer: number | undefined;
  let ended = false;
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => {
      ended = true;
      resolve();
    });
  });
  socket.on('error', () => {
    ended = true;
  });
  socket.on('data', (data: Buffer) => {
    writtenBeforeAnswer ??= written;
    answer += data.toString('latin1');
  });
  const framing = options.chunked
    ? { 'transfer-encoding': 'chunked' }
    : { 'content-length': String(options.totalBytes) };
  const head = Object.entries({ host: `127.0.0.1:${options.port}`, ...options.headers, ...framing })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(`POST ${options.path} HTTP/1.1\r\n${head}\r\n`);
  const piece = Buffer.alloc(64 * 1024, 'a');
  const frame = options.chunked
    ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
    : piece;
  while (written < options.totalBytes && !ended) {
    const flushed = socket.write(frame);
    written += piece.length;
    if (!flushed)
      await new Promise<void>((resolve) => {
        socket.once('drain', resolve);
        void closed.then(resolve);
      });
  }
  if (!ended) socket.end(options.chunked ? '0\r\n\r\n' : '');
  await closed;
  const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
  return { status: status === undefined ? undefined : Number(status), answer, written, writtenBeforeAnswer };
}

/** A plain HTTP request with headers fetch will not send as given (`Host`). Resolves with status and body. */
export function rawRequest(
  url: string,
  options: {
    readonly method: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body?: string;
  },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: options.method, headers: options.headers }, (incoming) => {
      let body = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => {
        body += chunk;
      });
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}
