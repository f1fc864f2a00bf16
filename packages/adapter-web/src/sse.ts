import type { ReplyPart } from '@switchboard/core';

const encoder = new TextEncoder();

/** One reply part as a server-sent event: a single `data:` line of JSON. */
export function encodePart(part: ReplyPart): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(part)}\n\n`);
}

/** A part pushed to a conversation's listeners, with the request whose reply it belongs to. */
export interface PushedPart {
  readonly requestId: string;
  readonly part: ReplyPart;
}

/** One pushed part as a server-sent event: a single `data:` line of JSON. */
export function encodePushed(pushed: PushedPart): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(pushed)}\n\n`);
}

/** A comment line that keeps an idle event stream open through proxies; readers skip it. */
export const KEEP_ALIVE = encoder.encode(': keep-alive\n\n');

/** Read a `text/event-stream` body back into reply parts (the terminal chat and tests use it). */
export function readParts(body: ReadableStream<Uint8Array>): AsyncGenerator<ReplyPart> {
  return readEvents<ReplyPart>(body);
}

/** Read a `text/event-stream` body back into the JSON of its `data:` lines, one value per event. */
export async function* readEvents<T>(body: ReadableStream<Uint8Array>): AsyncGenerator<T> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data) yield JSON.parse(data) as T;
      boundary = buffer.indexOf('\n\n');
    }
  }
}
