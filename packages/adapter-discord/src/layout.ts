import type { ReplyMeta } from '@switchboard/core';
import { footerEmbed, MAX_LENGTH, splitMessage, truncate } from './format';

/** What the reply has received so far. */
export interface ReplyState {
  /** The answer text (deltas appended; replaced by the final text). */
  text: string;
  /** The latest status line, shown while there is no text yet. */
  status: string | undefined;
  /** Set by `reply-end`. */
  meta: ReplyMeta | undefined;
  /** Set by `error`. */
  error: string | undefined;
  /** True once the final part arrived. */
  ended: boolean;
  /** Text before this offset lives in messages that are no longer edited (sealed). */
  frozenEnd: number;
  /** Text offsets at which approval messages go, in order. */
  readonly barriers: number[];
}

/** One message as it should look now, and which characters of the text it shows. */
export interface WantedMessage {
  readonly content: string;
  readonly embeds: readonly unknown[];
  readonly start: number;
  readonly end: number;
}

/**
 * The messages the not-yet-sealed part of the reply should be, in order: the text from `frozenEnd` up to
 * the next approval (or the end) split at 2,000 characters; a status line while there is no text; the
 * error line and the footer embed at the very end.
 */
export function layout(state: ReplyState): WantedMessage[] {
  const barrier = state.barriers[0];
  const limit = barrier ?? state.text.length;
  let from = state.frozenEnd;
  while (from > 0 && from < limit && /\s/.test(state.text[from] ?? '')) from += 1;
  let region = state.text.slice(from, limit);
  if (!state.ended && barrier === undefined) {
    // While streaming, show whole words only: a message frozen mid-stream never ends in half a word.
    const space = Math.max(region.lastIndexOf(' '), region.lastIndexOf('\n'));
    if (space > 0 && region.length - space <= 40) region = region.slice(0, space);
  }
  const wanted = splitMessage(region).map((chunk) => ({
    content: chunk.content,
    embeds: [] as unknown[],
    start: chunk.start + from,
    end: chunk.end + from,
  }));
  if (barrier !== undefined) return wanted;
  if (state.error !== undefined) {
    const line = `⚠️ ${state.error}`;
    const last = wanted.at(-1);
    if (last && last.content.length + line.length + 2 <= MAX_LENGTH) {
      wanted[wanted.length - 1] = { ...last, content: `${last.content}\n\n${line}` };
    } else {
      const at = last?.end ?? state.frozenEnd;
      wanted.push({ content: truncate(line), embeds: [], start: at, end: at });
    }
    return wanted;
  }
  if (wanted.length === 0) {
    if (state.ended && state.frozenEnd === 0)
      wanted.push({ content: '*(empty answer)*', embeds: [], start: 0, end: 0 });
    else if (!state.ended && state.status !== undefined) {
      wanted.push({
        content: truncate(`*${state.status}*`),
        embeds: [],
        start: state.frozenEnd,
        end: state.frozenEnd,
      });
    }
  }
  const footer = state.ended && state.meta ? footerEmbed(state.meta) : undefined;
  const last = wanted.at(-1);
  if (footer && last) wanted[wanted.length - 1] = { ...last, embeds: [footer] };
  return wanted;
}
