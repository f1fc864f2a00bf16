/**
 * Markdown code fences, as far as splitting needs them (CommonMark rules): an opening line is up to three
 * spaces, then three or more backticks or tildes, then an info string (`ts`); a closing line uses the
 * same character, at least as many of them, and nothing but spaces after.
 */
export interface Fence {
  /** The opening line as written (`` ```ts ``), used to reopen the block in the next message. */
  readonly line: string;
  /** The closing line that ends this block (`` ``` ``). */
  readonly marker: string;
}

const OPENING = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const CLOSING = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
/** A line that starts like a fence, judged from its beginning alone. */
const FENCE_START = /^ {0,3}(```|~~~)/;
/** How many characters of a line's start {@link looksLikeFenceStart} needs at most. */
export const FENCE_START_LENGTH = 6;

/** The fence a line opens, or undefined when it opens none. `line` has no line break. */
export function openingFence(line: string): Fence | undefined {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  const match = OPENING.exec(text);
  const run = match?.[1];
  if (match === null || run === undefined) return undefined;
  const info = match[2] ?? '';
  if (run.startsWith('`') && info.includes('`')) return undefined;
  return { line: text, marker: run };
}

/** True when `line` closes `fence`. */
export function closesFence(line: string, fence: Fence): boolean {
  const run = CLOSING.exec(line.endsWith('\r') ? line.slice(0, -1) : line)?.[1];
  return run !== undefined && run[0] === fence.marker[0] && run.length >= fence.marker.length;
}

/** True when a line beginning with `start` may turn out to be a fence line. */
export function looksLikeFenceStart(start: string): boolean {
  return FENCE_START.test(start);
}

/** The fence state after one more line: entering, leaving or staying. */
export function nextFence(current: Fence | undefined, line: string): Fence | undefined {
  if (current === undefined) return openingFence(line);
  return closesFence(line, current) ? undefined : current;
}

/** The fence still open at the end of `text` (its last line counts even without a line break). */
export function openFenceAt(text: string): Fence | undefined {
  let fence: Fence | undefined;
  for (const line of text.split('\n')) fence = nextFence(fence, line);
  return fence;
}

/** The characters that close `fence`: a line break unless the content already ends with one, then the marker. */
export function fenceCloser(endsWithLineBreak: boolean, fence: Fence): string {
  return `${endsWithLineBreak ? '' : '\n'}${fence.marker}`;
}
