import type { ReplyPart } from '@switchboard/core';

const encoder = new TextEncoder();

/** One reply part as a server-sent event: a single `data:` line of JSON. */
export function encodePart(part: ReplyPart): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(part)}\n\n`);
}

/** Read a `text/event-stream` body back into reply parts (the terminal chat and tests use it). */
export async function* readParts(body: ReadableStream<Uint8Array>): AsyncGenerator<ReplyPart> {
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
      if (data) yield JSON.parse(data) as ReplyPart;
      boundary = buffer.indexOf('\n\n');
    }
  }
}
