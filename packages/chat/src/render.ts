import { fenceCloser, openFenceAt } from './fence';
import type { ReplyEnd, ReplyState } from './reply-state';
import { planSplit, type SplitChunk, splitMessage } from './split';

/** What a message shows while the reply is streaming, or at the end. */
export interface DisplayChunk {
  readonly text: string;
  /** True for chunks that streaming has filled up: their text no longer changes. */
  readonly final: boolean;
  /** The reply text this message shows, from `from` on ('' for a status line, placeholder or note). */
  readonly source: string;
  readonly from: number;
}

/** Shown when a reply ends with no text at all (platforms refuse empty messages). */
export const EMPTY_REPLY_TEXT = '_(no answer)_';

/** A status line in italics, cut to fit `maxLength`. */
export function renderStatus(status: string, maxLength: number): string {
  const line = status.replace(/\s+/g, ' ').trim();
  const room = maxLength - 2;
  if (room < 1) return '…'.slice(0, maxLength);
  return `_${line.length > room ? `${line.slice(0, room - 1)}…` : line}_`;
}

/**
 * The messages a streaming reply shows now. Before any text: one message with the status (in italics)
 * or the placeholder. With text: `splitMessage(text)`, where every chunk but the last is already final
 * (splits are prefix-stable) and the last is trimmed at its end, has a code block still being written
 * closed for display, and carries the latest status as a trailing italic line while it fits.
 */
export function streamingChunks(
  state: ReplyState,
  region: Region,
  maxLength: number,
  placeholder: string,
): DisplayChunk[] {
  const waiting =
    state.status === undefined ? placeholder.slice(0, maxLength) : renderStatus(state.status, maxLength);
  const empty: DisplayChunk = { text: waiting, final: false, source: '', from: region.from };
  if (region.text.trim() === '') return [empty];
  const plan = planSplit(region.text, maxLength);
  const chunks: DisplayChunk[] = plan
    .slice(0, -1)
    .map((chunk) => ({ text: chunk.text, final: true, ...sourceOf(region, chunk) }));
  const last = plan[plan.length - 1];
  if (last === undefined) return [empty];
  const body = wholeWords(region.text.slice(last.start, last.end));
  let text = `${last.prefix}${body}`.trimEnd();
  const fence = openFenceAt(text);
  if (fence !== undefined) {
    const closed = `${text}${fenceCloser(false, fence)}`;
    if (closed.length <= maxLength) text = closed;
  }
  if (state.status !== undefined) {
    const withStatus = `${text}\n\n${renderStatus(state.status, maxLength)}`;
    if (withStatus.length <= maxLength) text = withStatus;
  }
  const source = { source: body, from: region.from + last.start };
  chunks.push(text === '' ? empty : { text, final: false, ...source });
  return chunks;
}

/** How far back a streaming message may hold text to end on a whole word. */
const WORD_ROOM = 40;

/**
 * Streamed text up to its last whole word (when one ends within the last {@link WORD_ROOM}
 * characters): a message sealed mid-stream never ends in half a word.
 */
function wholeWords(text: string): string {
  const space = Math.max(text.lastIndexOf(' '), text.lastIndexOf('\n'));
  return space > 0 && text.length - space <= WORD_ROOM ? text.slice(0, space) : text;
}

/** A stretch of the reply text that live messages show: `text` starts at offset `from` of the whole. */
export interface Region {
  readonly text: string;
  readonly from: number;
}

/** The region of `text` from `base` (leading blanks skipped) up to `limit`. */
export function regionOf(text: string, base: number, limit: number = text.length): Region {
  let from = base;
  while (base > 0 && from < limit && /\s/.test(text[from] ?? '')) from += 1;
  return { text: text.slice(from, Math.max(from, limit)), from };
}

function sourceOf(region: Region, chunk: SplitChunk): { source: string; from: number } {
  return { source: region.text.slice(chunk.start, chunk.end), from: region.from + chunk.start };
}

/**
 * The whole final text: `reply-end`'s text (which replaces what streamed), or for an error the text so
 * far (with an open code block closed) and a `⚠️ <message>` line — just the warning when nothing streamed.
 */
export function finalText(end: ReplyEnd, streamed: string): string {
  if (end.kind === 'reply') return end.text;
  const warning = `⚠️ ${end.message}`;
  const body = streamed.trimEnd();
  if (body === '') return warning;
  const fence = openFenceAt(body);
  return `${fence === undefined ? body : `${body}${fenceCloser(false, fence)}`}\n\n${warning}`;
}

/** The final messages: `splitMessage(text)`, or one short note when the text is blank. */
export function finalChunks(text: string, maxLength: number): string[] {
  if (text.trim() === '') return [EMPTY_REPLY_TEXT.slice(0, maxLength)];
  return splitMessage(text, maxLength);
}

/** The final messages of a region, with the text each shows; none for a blank region. */
export function finalRegionChunks(region: Region, maxLength: number): DisplayChunk[] {
  if (region.text.trim() === '') return [];
  return planSplit(region.text, maxLength).map((chunk) => ({
    text: chunk.text,
    final: true,
    ...sourceOf(region, chunk),
  }));
}
