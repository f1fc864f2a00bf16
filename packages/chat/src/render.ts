import { fenceCloser, openFenceAt } from './fence';
import type { ReplyEnd, ReplyState } from './reply-state';
import { planSplit, splitMessage } from './split';

/** What a message shows while the reply is streaming. */
export interface DisplayChunk {
  readonly text: string;
  /** True for chunks that streaming has filled up: their text no longer changes. */
  readonly final: boolean;
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
export function streamingChunks(state: ReplyState, maxLength: number, placeholder: string): DisplayChunk[] {
  const waiting =
    state.status === undefined ? placeholder.slice(0, maxLength) : renderStatus(state.status, maxLength);
  if (state.text.trim() === '') return [{ text: waiting, final: false }];
  const plan = planSplit(state.text, maxLength);
  const chunks: DisplayChunk[] = plan.slice(0, -1).map((chunk) => ({ text: chunk.text, final: true }));
  const last = plan[plan.length - 1];
  if (last === undefined) return [{ text: waiting, final: false }];
  let text = last.text.trimEnd();
  if (last.openFence !== undefined) {
    const closed = `${text}${fenceCloser(false, last.openFence)}`;
    if (closed.length <= maxLength) text = closed;
  }
  if (state.status !== undefined) {
    const withStatus = `${text}\n\n${renderStatus(state.status, maxLength)}`;
    if (withStatus.length <= maxLength) text = withStatus;
  }
  chunks.push({ text: text === '' ? waiting : text, final: false });
  return chunks;
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
