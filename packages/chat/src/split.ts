import { FENCE_START_LENGTH, type Fence, fenceCloser, looksLikeFenceStart, nextFence } from './fence';

/** One planned message of a split text. */
export interface SplitChunk {
  /** Where this chunk's share of the input starts (inclusive) and ends (exclusive). */
  readonly start: number;
  readonly end: number;
  /** The code fence reopened at the top (`` ```ts\n ``), or ''. */
  readonly prefix: string;
  /** The code fence closed at the bottom (`` \n``` ``), or ''. Always '' on the last chunk. */
  readonly suffix: string;
  /** The message: `prefix + input.slice(start, end) + suffix`. */
  readonly text: string;
  /** On the last chunk, the fence the input leaves open (a code block still being streamed). */
  readonly openFence: Fence | undefined;
}

interface Cut {
  readonly end: number;
  readonly suffix: string;
  readonly fence: Fence | undefined;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * Split `text` into messages of at most `maxLength` characters (UTF-16 code units, as JavaScript
 * counts). Each cut prefers, in order: a paragraph break, a line break, a space — each only in the second
 * half of the room, so chunks stay large — then any break, then a hard cut (never inside a surrogate
 * pair). A chunk that ends inside a code fence is closed at its end, and the fence is reopened with the
 * same opening line at the top of the next chunk; those lines count toward `maxLength`.
 *
 * Deterministic and stable for prefixes: once `text` grows, every chunk but the last stays exactly as it
 * was, because a cut only looks at the `maxLength + 1` characters from the chunk's start. That is what
 * lets the delivery engine finish earlier messages while a reply is still streaming.
 *
 * Empty text gives no chunks (`[]`). Nothing is trimmed: joining the chunks and removing the added fence
 * lines gives the input back. A `maxLength` too small to hold a reopened fence line, one character and
 * the closing marker falls back to plain cuts for that chunk.
 */
export function splitMessage(text: string, maxLength: number): string[] {
  return planSplit(text, maxLength).map((chunk) => chunk.text);
}

/** The plan behind {@link splitMessage}: where each chunk comes from and which fence lines it adds. */
export function planSplit(text: string, maxLength: number): SplitChunk[] {
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new RangeError(`maxLength must be a positive integer, got ${maxLength}`);
  }
  const chunks: SplitChunk[] = [];
  let start = 0;
  let fence: Fence | undefined;
  while (start < text.length) {
    const repair = fence === undefined || maxLength - fence.line.length - 1 >= fence.marker.length + 2;
    const prefix = fence !== undefined && repair ? `${fence.line}\n` : '';
    const room = maxLength - prefix.length;
    if (text.length - start <= room) {
      const body = text.slice(start);
      const openFence = fenceAtEnd(text, start, fence);
      chunks.push({ start, end: text.length, prefix, suffix: '', text: prefix + body, openFence });
      break;
    }
    const cut = chooseCut(text, start, room, fence, repair);
    const body = text.slice(start, cut.end);
    chunks.push({
      start,
      end: cut.end,
      prefix,
      suffix: cut.suffix,
      text: prefix + body + cut.suffix,
      openFence: undefined,
    });
    start = cut.end;
    fence = cut.fence;
  }
  return chunks;
}

/**
 * Where to end the chunk starting at `start`, given `room` characters for its share of the input and its
 * closing fence. Reads only `text[start .. start + room]`, which is what makes splits prefix-stable.
 */
function chooseCut(
  text: string,
  start: number,
  room: number,
  fence: Fence | undefined,
  repair: boolean,
): Cut {
  const limit = start + room;
  const count = room + 1;
  // Fence state and line start at every possible end `c`, found by one forward pass over whole lines.
  const fenceAt: (Fence | undefined)[] = new Array(count);
  const lineStartAt: number[] = new Array(count);
  let state = fence;
  let lineStart = text.lastIndexOf('\n', start - 1) + 1;
  for (let c = start + 1; c <= limit; c++) {
    if (text[c - 1] === '\n') {
      state = nextFence(state, text.slice(lineStart, c - 1));
      lineStart = c;
    }
    fenceAt[c - start] = state;
    lineStartAt[c - start] = lineStart;
  }

  const closerFor = (c: number): string => {
    const open = fenceAt[c - start];
    return repair && open !== undefined ? fenceCloser(text[c - 1] === '\n', open) : '';
  };
  const fits = (c: number) => c - start + closerFor(c).length <= room;
  const safeMidLine = (c: number): boolean => {
    const next = text[c] ?? '';
    if (next === '`' || next === '~' || next === ' ') return false;
    if (isHighSurrogate(text.charCodeAt(c - 1)) && isLowSurrogate(text.charCodeAt(c))) return false;
    const lineStart = lineStartAt[c - start] ?? start;
    return !looksLikeFenceStart(text.slice(lineStart, Math.min(c, lineStart + FENCE_START_LENGTH)));
  };

  const half = start + Math.ceil(room / 2);
  let paragraph = -1;
  let line = -1;
  let space = -1;
  let anyBreak = -1;
  let hard = -1;
  for (let c = limit; c > start; c--) {
    if (!fits(c)) continue;
    const last = text[c - 1];
    const atLineStart = last === '\n';
    if (!atLineStart && !safeMidLine(c)) continue;
    if (hard < 0) hard = c;
    if (!atLineStart && last !== ' ') continue;
    if (anyBreak < 0) anyBreak = c;
    if (c < half) break;
    if (atLineStart && text[c - 2] === '\n' && paragraph < 0) paragraph = c;
    if (atLineStart && line < 0) line = c;
    if (last === ' ' && space < 0) space = c;
  }
  const best = [paragraph, line, space, anyBreak, hard].find((c) => c > 0);
  if (best !== undefined) return { end: best, suffix: closerFor(best), fence: fenceAt[best - start] };
  return lastResort(text, start, room, fenceAt, closerFor);
}

/** No clean cut fits: the largest cut that fits with its closer (sparing surrogate pairs), else a plain cut. */
function lastResort(
  text: string,
  start: number,
  room: number,
  fenceAt: readonly (Fence | undefined)[],
  closerFor: (c: number) => string,
): Cut {
  for (let c = start + room; c > start; c--) {
    const suffix = closerFor(c);
    if (c - start + suffix.length > room) continue;
    if (isHighSurrogate(text.charCodeAt(c - 1)) && isLowSurrogate(text.charCodeAt(c)) && c - 1 > start)
      continue;
    return { end: c, suffix, fence: fenceAt[c - start] };
  }
  const end = start + room;
  return { end, suffix: '', fence: fenceAt[room] };
}

/** The fence open at the end of the text, scanning from the line that contains `start`. */
function fenceAtEnd(text: string, start: number, fence: Fence | undefined): Fence | undefined {
  let state = fence;
  let lineStart = text.lastIndexOf('\n', start - 1) + 1;
  for (;;) {
    const lineEnd = text.indexOf('\n', Math.max(lineStart, start));
    if (lineEnd < 0) return text.length > lineStart ? nextFence(state, text.slice(lineStart)) : state;
    state = nextFence(state, text.slice(lineStart, lineEnd));
    lineStart = lineEnd + 1;
  }
}
