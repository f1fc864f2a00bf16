import { describe, expect, it } from 'vitest';
import { planSplit, splitMessage } from './split';

/** A small seeded generator (mulberry32), so every property run is reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'alpha',
  'be',
  'gamma',
  'δέλτα',
  '`x`',
  'say ``` here',
  '😀',
  '😀😀😀',
  '--',
  'a_b',
  '~~',
  '   ',
];

/** Markdown-ish text with paragraphs, long words, emoji and balanced ``` fences (never at a content line start). */
function generate(next: () => number, maxLength: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const lines: string[] = [];
  const lineCount = 5 + Math.floor(next() * 60);
  for (let i = 0; i < lineCount; i++) {
    const roll = next();
    if (roll < 0.12) {
      lines.push(pick(['```ts', '```', '```python title="x"', '````md']).trimEnd());
      const marker = (lines[lines.length - 1] ?? '').startsWith('````') ? '````' : '```';
      const body = 1 + Math.floor(next() * 12);
      for (let j = 0; j < body; j++) lines.push(`${pick(['', '  ', '    '])}code ${pick(WORDS)} ${j}`);
      lines.push(marker);
    } else if (roll < 0.22) {
      lines.push('');
    } else if (roll < 0.27) {
      lines.push('x'.repeat(Math.floor(maxLength * (0.5 + next() * 2))));
    } else if (roll < 0.3) {
      lines.push('😀'.repeat(Math.floor(maxLength * next())));
    } else {
      const words = 1 + Math.floor(next() * 30);
      lines.push(Array.from({ length: words }, () => pick(WORDS)).join(next() < 0.1 ? '  ' : ' '));
    }
  }
  return lines.join('\n');
}

const fenceLines = (chunk: string) =>
  chunk.split('\n').filter((line) => /^ {0,3}(```|~~~)/.test(line)).length;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('splitMessage', () => {
  it('keeps a short text whole and gives no chunk for empty text', () => {
    expect(splitMessage('hello world', 20)).toEqual(['hello world']);
    expect(splitMessage('', 20)).toEqual([]);
  });

  it('rejects a maxLength that is not a positive integer', () => {
    expect(() => splitMessage('abc', 0)).toThrow(RangeError);
    expect(() => splitMessage('abc', 1.5)).toThrow(RangeError);
  });

  it('prefers a paragraph break, then a line break, then a space', () => {
    const paragraph = `${'a'.repeat(12)}\n\n${'b '.repeat(5)}\nccc`;
    expect(splitMessage(paragraph, 20)).toEqual([`${'a'.repeat(12)}\n\n`, `${'b '.repeat(5)}\nccc`]);
    expect(splitMessage('one two three\nfour five six', 16)).toEqual(['one two three\n', 'four five six']);
    expect(splitMessage('one two three four five', 10)).toEqual(['one two ', 'three ', 'four five']);
    expect(splitMessage('abcdefghijklmnop', 5)).toEqual(['abcde', 'fghij', 'klmno', 'p']);
  });

  it('never cuts a surrogate pair in two', () => {
    const chunks = splitMessage('😀😀😀😀😀', 3);
    expect(chunks).toEqual(['😀', '😀', '😀', '😀', '😀']);
  });

  it('closes a code fence at the end of a chunk and reopens it with its info string', () => {
    const text = [
      'Intro line.',
      '```ts',
      'const a = 1;',
      'const b = 2;',
      'const c = 3;',
      '```',
      'Done.',
    ].join('\n');
    const chunks = splitMessage(text, 40);
    expect(chunks).toEqual([
      'Intro line.\n```ts\nconst a = 1;\n```',
      '```ts\nconst b = 2;\nconst c = 3;\n```\n',
      'Done.',
    ]);
    const tight = splitMessage(text, 32);
    for (const chunk of tight) {
      expect(chunk.length).toBeLessThanOrEqual(32);
      expect(fenceLines(chunk) % 2).toBe(0);
    }
    expect(tight.slice(1).every((chunk) => !chunk.includes('const') || chunk.startsWith('```ts\n'))).toBe(
      true,
    );
  });

  it('holds its properties on generated text', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const maxLength = 30 + Math.floor(next() * 300);
      const text = generate(next, maxLength);
      const plan = planSplit(text, maxLength);
      const chunks = splitMessage(text, maxLength);
      const context = `seed ${seed}, maxLength ${maxLength}`;

      expect(chunks, context).toEqual(plan.map((chunk) => chunk.text));
      expect(plan.map((chunk) => text.slice(chunk.start, chunk.end)).join(''), context).toBe(text);
      let position = 0;
      for (const [index, chunk] of plan.entries()) {
        expect(chunk.start, context).toBe(position);
        position = chunk.end;
        expect(chunk.end, context).toBeGreaterThan(chunk.start);
        expect(chunk.text, context).toBe(chunk.prefix + text.slice(chunk.start, chunk.end) + chunk.suffix);
        expect(chunk.prefix, context).toMatch(/^$|^ {0,3}(`{3,}|~{3,})[^\n]*\n$/);
        expect(chunk.suffix, context).toMatch(/^$|^\n?(`{3,}|~{3,})$/);
        expect(chunk.text.length, context).toBeLessThanOrEqual(maxLength);
        expect(fenceLines(chunk.text) % 2, `${context}, chunk ${index}: ${JSON.stringify(chunk.text)}`).toBe(
          0,
        );
        expect(loneSurrogate.test(chunk.text), `${context}, chunk ${index}`).toBe(false);
      }
      expect(splitMessage(text, maxLength), context).toEqual(chunks);
    }
  });

  it('is stable for prefixes: a longer text never changes the chunks before the last', () => {
    for (let seed = 1; seed <= 120; seed++) {
      const next = random(seed * 7919);
      const maxLength = 30 + Math.floor(next() * 200);
      const text = generate(next, maxLength);
      const full = splitMessage(text, maxLength);
      for (let trial = 0; trial < 15; trial++) {
        const length = Math.floor(next() * text.length);
        const partial = splitMessage(text.slice(0, length), maxLength);
        const settled = partial.slice(0, -1);
        expect(full.slice(0, settled.length), `seed ${seed}, length ${length}`).toEqual(settled);
      }
    }
  });

  it('streams in deltas with the same stable prefix at every step', () => {
    const next = random(42);
    const text = generate(next, 80);
    let previous: string[] = [];
    for (let length = 1; length <= text.length; length += 1 + Math.floor(next() * 9)) {
      const chunks = splitMessage(text.slice(0, length), 80);
      expect(chunks.slice(0, previous.length - 1)).toEqual(previous.slice(0, -1));
      previous = chunks;
    }
  });
});
