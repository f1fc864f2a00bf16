/**
 * Marked answers: a slow, recognisable answer for each request that carries a marker, so a harness can
 * tell at the far end of the pipeline which request a message answers and whether it is whole. The answer
 * is a pure function of the marker: `<marker> begin. <words…> <marker> end.`
 */

/** A request marker: `req-` then lower-case letters and digits in dash-separated groups, e.g. `req-k3f9-tg12`. */
export const MARKER_PATTERN = /\breq-[a-z0-9]+(?:-[a-z0-9]+)*/;

/** An inclusive range of integers. */
export interface IntegerRange {
  readonly min: number;
  readonly max: number;
}

/**
 * Answer a request whose last user message carries a marker with its marked answer, streamed slowly
 * (one piece of `chunkSize` characters every `delayMs`, both fixed per marker); a request without a
 * marker is echoed.
 */
export interface MarkedBehaviour {
  readonly type: 'marked';
  /** Filler words between the begin and end markers; default 25–60. */
  readonly words?: IntegerRange;
  /** Milliseconds between pieces; default 20–50. */
  readonly delayMs?: IntegerRange;
  /** Characters per piece; default 4. */
  readonly chunkSize?: number;
}

/** What the fake will answer for one marker, and how slowly. */
export interface MarkedAnswer {
  readonly marker: string;
  /** The whole answer, begin and end markers included. */
  readonly text: string;
  /** `<marker> begin`: present from the first pieces on. */
  readonly begin: string;
  /** `<marker> end`: only the last pieces carry it. */
  readonly end: string;
  readonly pieces: number;
  readonly delayMs: number;
  /** About how long the stream takes: `(pieces - 1) × delayMs`. */
  readonly durationMs: number;
}

const DEFAULT_WORDS: IntegerRange = { min: 25, max: 60 };
const DEFAULT_DELAY_MS: IntegerRange = { min: 20, max: 50 };
const DEFAULT_CHUNK_SIZE = 4;

const WORDS = [
  'amber',
  'basin',
  'cedar',
  'delta',
  'ember',
  'fjord',
  'grove',
  'harbor',
  'island',
  'juniper',
  'kettle',
  'lantern',
  'meadow',
  'nectar',
  'orchard',
  'pebble',
  'quarry',
  'river',
  'saddle',
  'timber',
  'upland',
  'valley',
  'willow',
  'yonder',
  'zephyr',
  'anchor',
  'beacon',
  'canyon',
  'dune',
  'estuary',
  'forest',
  'glacier',
  'heath',
  'inlet',
  'jetty',
  'knoll',
  'lagoon',
  'marsh',
  'north',
  'oasis',
  'prairie',
  'quay',
  'ridge',
  'summit',
  'tundra',
  'umber',
  'vista',
  'wharf',
] as const;

/** Whether `marker` is a well-formed request marker (the whole string). */
export function isMarker(marker: string): boolean {
  const match = MARKER_PATTERN.exec(marker);
  return match !== null && match.index === 0 && match[0] === marker;
}

/** The first marker in `text`, if any. */
export function findMarker(text: string): string | undefined {
  return MARKER_PATTERN.exec(text)?.[0];
}

/** FNV-1a, then a xorshift generator: the same marker always gives the same numbers. */
function generator(seed: string): () => number {
  let state = 0x811c9dc5;
  for (const character of seed) {
    state ^= character.charCodeAt(0);
    state = Math.imul(state, 0x01000193) >>> 0;
  }
  if (state === 0) state = 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

const pick = (next: () => number, range: IntegerRange) =>
  Math.round(range.min) + Math.floor(next() * (Math.round(range.max) - Math.round(range.min) + 1));

/** The answer a {@link MarkedBehaviour} gives for `marker`. */
export function markedAnswer(marker: string, behaviour: Omit<MarkedBehaviour, 'type'> = {}): MarkedAnswer {
  if (!isMarker(marker)) throw new Error(`"${marker}" is not a request marker (req-<letters and digits>)`);
  const next = generator(marker);
  const count = pick(next, behaviour.words ?? DEFAULT_WORDS);
  const delayMs = pick(next, behaviour.delayMs ?? DEFAULT_DELAY_MS);
  const words = Array.from({ length: count }, () => WORDS[Math.floor(next() * WORDS.length)] ?? 'word');
  const begin = `${marker} begin`;
  const end = `${marker} end`;
  const text = `${begin}. ${words.join(' ')}. ${end}.`;
  const chunkSize = Math.max(1, Math.floor(behaviour.chunkSize ?? DEFAULT_CHUNK_SIZE));
  const pieces = Math.ceil(text.length / chunkSize);
  return { marker, text, begin, end, pieces, delayMs, durationMs: Math.max(0, pieces - 1) * delayMs };
}

/** How much of the marked answer for `marker` a text shows. */
export type MarkedProgress = 'whole' | 'partial' | 'absent';

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Whether `text` (a message as a reader sees it) holds the whole marked answer of `answer`, only part of
 * it (its begin marker, or any text that is a prefix of the answer), or none of it. Runs of white space
 * count as one space, so line breaks added by message splitting do not matter.
 */
export function markedProgress(text: string, answer: MarkedAnswer): MarkedProgress {
  const seen = squash(text);
  const whole = squash(answer.text);
  if (seen.includes(whole)) return 'whole';
  if (seen.includes(answer.begin)) return 'partial';
  const withoutEllipsis = seen.replace(/\s*(?:…|\.\.\.)$/, '');
  if (withoutEllipsis.length >= 3 && whole.startsWith(withoutEllipsis)) return 'partial';
  return 'absent';
}
