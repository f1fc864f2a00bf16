import { readParts } from '@switchboard/adapter-web';
import type { ReplyPart } from '@switchboard/core';
import type { Box } from '../src/box';

/** A web message sent to a running box, whose reply parts are read one at a time while the stream stays open. */
export interface WebMessage {
  /** Every part read so far, in order. */
  readonly seen: ReplyPart[];
  /** Read parts until one matches, and return it; throws when the stream ends first. */
  until(match: (part: ReplyPart) => boolean): Promise<ReplyPart>;
}

/** `POST /api/messages` with `text`; throws unless the box answers 200 with a body. For tests. */
export async function sendWebMessage(box: Box, text: string): Promise<WebMessage> {
  const response = await fetch(`${box.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (response.status !== 200) throw new Error(`the box answered ${response.status}, not 200`);
  if (response.body === null) throw new Error('no body');
  const parts = readParts(response.body);
  const seen: ReplyPart[] = [];
  return {
    seen,
    async until(match) {
      for (;;) {
        const next = await parts.next();
        if (next.done) throw new Error(`the stream ended without the part (saw ${seen.map((p) => p.type)})`);
        seen.push(next.value);
        if (match(next.value)) return next.value;
      }
    },
  };
}
