import type { TgEntity } from './types';

/** Text as Telegram shows it, with the entities its markup produced. */
export interface ParsedText {
  readonly text: string;
  readonly entities: TgEntity[];
}

/** The Bot API's "can't parse entities" failure; `message` is the description after the prefix. */
export class MarkupError extends Error {
  override readonly name = 'MarkupError';
}

const byteOffset = (source: string, index: number) => Buffer.byteLength(source.slice(0, index), 'utf8');

/** Parse `text` the way the Bot API does for `parse_mode` (undefined: plain text). */
export function parseMarkup(text: string, parseMode: unknown): ParsedText {
  if (parseMode === undefined || parseMode === null || parseMode === '') return { text, entities: [] };
  if (parseMode === 'HTML') return parseHtml(text);
  if (parseMode === 'MarkdownV2') return parseMarkdownV2(text);
  if (parseMode === 'Markdown') return parseLegacyMarkdown(text);
  throw new MarkupError(`Unsupported parse_mode "${String(parseMode)}"`);
}

// ── HTML ─────────────────────────────────────────────────────────────────────

const HTML_TAGS: Readonly<Record<string, string>> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface OpenTag {
  readonly name: string;
  readonly start: number;
  readonly attributes: Readonly<Record<string, string>>;
}

function decodeEntity(
  source: string,
  index: number,
): { readonly value: string; readonly length: number } | undefined {
  const match = /^&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/.exec(source.slice(index, index + 12));
  if (!match) return undefined;
  const body = match[1] ?? '';
  if (body.startsWith('#x') || body.startsWith('#')) {
    const code = body.startsWith('#x')
      ? Number.parseInt(body.slice(2), 16)
      : Number.parseInt(body.slice(1), 10);
    if (!Number.isFinite(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
    return { value: String.fromCodePoint(code), length: match[0].length };
  }
  const named = NAMED_ENTITIES[body];
  return named === undefined ? undefined : { value: named, length: match[0].length };
}

function parseAttributes(raw: string, source: string, at: number): Record<string, string> {
  const attributes: Record<string, string> = {};
  const pattern = /\s*([a-zA-Z-]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/y;
  let rest = raw;
  while (rest.trim().length > 0) {
    pattern.lastIndex = 0;
    const match = pattern.exec(rest);
    if (!match || match[0].length === 0) {
      throw new MarkupError(
        `Expected equal sign in declaration of an attribute of the tag at byte offset ${byteOffset(source, at)}`,
      );
    }
    attributes[(match[1] ?? '').toLowerCase()] = match[2] ?? match[3] ?? match[4] ?? '';
    rest = rest.slice(match[0].length);
  }
  return attributes;
}

/** Telegram's HTML: the supported tags, four named entities, numeric entities; anything else fails. */
export function parseHtml(source: string): ParsedText {
  let text = '';
  const entities: TgEntity[] = [];
  const stack: OpenTag[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index] ?? '';
    if (char === '&') {
      const decoded = decodeEntity(source, index);
      if (decoded) {
        text += decoded.value;
        index += decoded.length;
        continue;
      }
      text += '&';
      index += 1;
      continue;
    }
    if (char !== '<') {
      text += char;
      index += 1;
      continue;
    }
    if (!/^<\/?[a-zA-Z]/.test(source.slice(index, index + 3))) {
      throw new MarkupError(`Unsupported start tag "" at byte offset ${byteOffset(source, index)}`);
    }
    const close = source.indexOf('>', index);
    if (close < 0) throw new MarkupError(`Unclosed start tag at byte offset ${byteOffset(source, index)}`);
    const inner = source.slice(index + 1, close);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (open === undefined) {
        throw new MarkupError(`Unexpected end tag at byte offset ${byteOffset(source, index)}`);
      }
      if (open.name !== name) {
        throw new MarkupError(
          `Unmatched end tag at byte offset ${byteOffset(source, index)}, expected "</${open.name}>", found "</${name}>"`,
        );
      }
      const type = open.name === 'pre' ? 'pre' : (HTML_TAGS[open.name] ?? 'bold');
      const length = text.length - open.start;
      if (length > 0) {
        const url = open.attributes['href'];
        entities.push({
          type,
          offset: open.start,
          length,
          ...(type === 'text_link' && url !== undefined ? { url } : {}),
        });
      }
      index = close + 1;
      continue;
    }
    const nameMatch = /^([a-zA-Z][a-zA-Z0-9-]*)([\s\S]*)$/.exec(inner);
    const name = (nameMatch?.[1] ?? '').toLowerCase();
    if (!nameMatch || !(name in HTML_TAGS)) {
      throw new MarkupError(`Unsupported start tag "${name}" at byte offset ${byteOffset(source, index)}`);
    }
    const attributes = parseAttributes(nameMatch[2] ?? '', source, index);
    if (name === 'span' && attributes['class'] !== 'tg-spoiler') {
      throw new MarkupError(
        `Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(source, index)}`,
      );
    }
    if (name === 'a' && attributes['href'] === undefined) {
      throw new MarkupError(
        `Tag "a" must have an href attribute at byte offset ${byteOffset(source, index)}`,
      );
    }
    stack.push({ name, start: text.length, attributes });
    index = close + 1;
  }
  const open = stack.pop();
  if (open) throw new MarkupError(`Can't find end tag corresponding to start tag "${open.name}"`);
  return { text, entities };
}

// ── MarkdownV2 ───────────────────────────────────────────────────────────────

const RESERVED = new Set('_*[]()~`>#+-=|{}.!'.split(''));
const TOGGLES: Readonly<Record<string, { readonly type: string; readonly label: string }>> = {
  '*': { type: 'bold', label: 'Bold' },
  _: { type: 'italic', label: 'Italic' },
  __: { type: 'underline', label: 'Underline' },
  '~': { type: 'strikethrough', label: 'Strikethrough' },
  '||': { type: 'spoiler', label: 'Spoiler' },
};

interface OpenMark {
  readonly marker: string;
  readonly start: number;
  readonly at: number;
}

/** Telegram's MarkdownV2: every reserved character outside an entity must be escaped with `\`. */
export function parseMarkdownV2(source: string): ParsedText {
  let text = '';
  const entities: TgEntity[] = [];
  const stack: OpenMark[] = [];
  let index = 0;
  const fail = (description: string): never => {
    throw new MarkupError(description);
  };
  while (index < source.length) {
    const char = source[index] ?? '';
    if (char === '\\') {
      const next = source[index + 1];
      if (next === undefined || next.charCodeAt(0) > 126)
        fail(`Character '\\' is reserved and must be escaped with the preceding '\\'`);
      text += next;
      index += 2;
      continue;
    }
    if (char === '`') {
      const fence = source.startsWith('```', index);
      const marker = fence ? '```' : '`';
      const end = findCodeEnd(source, index + marker.length, marker);
      if (end < 0)
        fail(
          `Can't find end of ${fence ? 'Pre' : 'Code'} entity at byte offset ${byteOffset(source, index)}`,
        );
      let body = source.slice(index + marker.length, end);
      if (fence) {
        const newline = body.indexOf('\n');
        if (newline >= 0 && /^[\w+-]*$/.test(body.slice(0, newline))) body = body.slice(newline + 1);
      }
      const literal = body.replace(/\\([\\`])/g, '$1');
      if (literal.length > 0)
        entities.push({ type: fence ? 'pre' : 'code', offset: text.length, length: literal.length });
      text += literal;
      index = end + marker.length;
      continue;
    }
    const two = source.slice(index, index + 2);
    const marker = two === '__' || two === '||' ? two : char in TOGGLES && char !== '|' ? char : undefined;
    if (marker !== undefined) {
      const top = stack.at(-1);
      if (top?.marker === marker) {
        stack.pop();
        const type = TOGGLES[marker]?.type ?? 'bold';
        if (text.length > top.start)
          entities.push({ type, offset: top.start, length: text.length - top.start });
      } else {
        stack.push({ marker, start: text.length, at: index });
      }
      index += marker.length;
      continue;
    }
    if (char === '[') {
      stack.push({ marker: '[', start: text.length, at: index });
      index += 1;
      continue;
    }
    if (char === ']' && stack.at(-1)?.marker === '[') {
      const open = stack.pop() as OpenMark;
      if (source[index + 1] !== '(')
        fail(`Character ']' is reserved and must be escaped with the preceding '\\'`);
      const urlEnd = source.indexOf(')', index + 2);
      if (urlEnd < 0) fail(`Can't find end of a URL at byte offset ${byteOffset(source, index)}`);
      const url = source.slice(index + 2, urlEnd).replace(/\\([\\)])/g, '$1');
      if (text.length > open.start)
        entities.push({ type: 'text_link', offset: open.start, length: text.length - open.start, url });
      index = urlEnd + 1;
      continue;
    }
    if (char === '>' && (index === 0 || source[index - 1] === '\n')) {
      index += 1;
      continue;
    }
    if (RESERVED.has(char))
      fail(`Character '${char}' is reserved and must be escaped with the preceding '\\'`);
    text += char;
    index += 1;
  }
  const open = stack.pop();
  if (open) {
    const label = open.marker === '[' ? 'TextUrl' : (TOGGLES[open.marker]?.label ?? 'Bold');
    fail(`Can't find end of ${label} entity at byte offset ${byteOffset(source, open.at)}`);
  }
  return { text, entities };
}

function findCodeEnd(source: string, from: number, marker: string): number {
  let index = from;
  while (index < source.length) {
    if (source[index] === '\\') {
      index += 2;
      continue;
    }
    if (source.startsWith(marker, index)) return index;
    index += 1;
  }
  return -1;
}

// ── Markdown (legacy) ────────────────────────────────────────────────────────

const LEGACY: Readonly<Record<string, string>> = { '*': 'bold', _: 'italic', '`': 'code' };

/** The legacy `Markdown` mode: `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ````, `[text](url)`. */
export function parseLegacyMarkdown(source: string): ParsedText {
  let text = '';
  const entities: TgEntity[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index] ?? '';
    if (char === '\\' && index + 1 < source.length && '_*`['.includes(source[index + 1] ?? '')) {
      text += source[index + 1];
      index += 2;
      continue;
    }
    const fence = source.startsWith('```', index);
    const marker = fence ? '```' : char in LEGACY ? char : char === '[' ? ']' : undefined;
    if (marker === undefined) {
      text += char;
      index += 1;
      continue;
    }
    const start = index + (fence ? 3 : 1);
    const end = source.indexOf(marker, start);
    if (end < 0)
      throw new MarkupError(
        `Can't find end of the entity starting at byte offset ${byteOffset(source, index)}`,
      );
    const body = source.slice(start, end);
    if (marker === ']') {
      const url = /^\(([^)]*)\)/.exec(source.slice(end + 1));
      if (!url)
        throw new MarkupError(
          `Can't find end of the entity starting at byte offset ${byteOffset(source, index)}`,
        );
      if (body.length > 0)
        entities.push({ type: 'text_link', offset: text.length, length: body.length, url: url[1] ?? '' });
      text += body;
      index = end + 1 + (url[0]?.length ?? 0);
      continue;
    }
    const type = fence ? 'pre' : (LEGACY[marker] ?? 'bold');
    if (body.length > 0) entities.push({ type, offset: text.length, length: body.length });
    text += body;
    index = end + marker.length;
  }
  return { text, entities };
}
