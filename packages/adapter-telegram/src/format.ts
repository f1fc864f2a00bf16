/**
 * Markdown (as models write it) to Telegram HTML. HTML rather than MarkdownV2: only `<`, `>` and `&`
 * need escaping, so any text renders, and what is not understood stays visible as written. The output is
 * always well-formed (every tag closed, in order); the visible text is never longer than the input, so a
 * chunk within Telegram's 4096 characters still fits after rendering.
 */
export function markdownToHtml(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  let quote: string[] | undefined;
  const flushQuote = () => {
    if (quote !== undefined) out.push(`<blockquote>${quote.join('\n')}</blockquote>`);
    quote = undefined;
  };
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const fence = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)\s*$/.exec(line);
    if (fence) {
      flushQuote();
      const marker = fence[1] ?? '```';
      const body: string[] = [];
      index += 1;
      while (
        index < lines.length &&
        !new RegExp(`^\\s{0,3}${marker[0] === '~' ? '~' : '`'}{${marker.length},}\\s*$`).test(
          lines[index] ?? '',
        )
      ) {
        body.push(lines[index] ?? '');
        index += 1;
      }
      const language = fence[2] ? ` class="language-${escapeAttribute(fence[2])}"` : '';
      out.push(`<pre><code${language}>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    const quoted = /^>\s?(.*)$/.exec(line);
    if (quoted) {
      quote ??= [];
      quote.push(renderInline(quoted[1] ?? ''));
      continue;
    }
    flushQuote();
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      out.push(`<b>${renderInline(heading[1] ?? '')}</b>`);
      continue;
    }
    const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    if (bullet) {
      out.push(`${bullet[1] ?? ''}• ${renderInline(bullet[2] ?? '')}`);
      continue;
    }
    out.push(renderInline(line));
  }
  flushQuote();
  return out.join('\n');
}

/** Escape text for Telegram HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

const MARKERS = [
  { marker: '**', tag: 'b' },
  { marker: '__', tag: 'b' },
  { marker: '~~', tag: 's' },
  { marker: '*', tag: 'i' },
  { marker: '_', tag: 'i' },
] as const;

const PUNCTUATION = /[!-/:-@[-`{-~]/;
const isWord = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}_]/u.test(char);
const isSpace = (char: string | undefined) => char === undefined || /\s/.test(char);

/** One line of inline Markdown: emphasis, strike, code spans, links, backslash escapes. */
export function renderInline(text: string): string {
  const budget = { steps: 20 * text.length + 1000 };
  try {
    return parseSpan(text, 0, undefined, true, budget).html;
  } catch (error) {
    if (error === EXHAUSTED) return escapeHtml(text);
    throw error;
  }
}

/** Thrown when a pathological line would take too long to parse: it is then shown as plain text. */
const EXHAUSTED = Symbol('exhausted');

interface Budget {
  steps: number;
}

interface Span {
  readonly html: string;
  readonly end: number;
  readonly closed: boolean;
}

function canOpen(text: string, index: number, marker: string): boolean {
  const after = text[index + marker.length];
  if (isSpace(after)) return false;
  return !(marker[0] === '_' && isWord(text[index - 1]));
}

function canClose(text: string, index: number, marker: string): boolean {
  if (isSpace(text[index - 1])) return false;
  return !(marker[0] === '_' && isWord(text[index + marker.length]));
}

/** Whether `marker` closes somewhere after `from` (a cheap check before a recursive parse). */
function closesLater(text: string, from: number, marker: string, budget: Budget): boolean {
  for (let at = text.indexOf(marker, from); at >= 0; at = text.indexOf(marker, at + 1)) {
    budget.steps -= 1;
    if (budget.steps < 0) throw EXHAUSTED;
    if (canClose(text, at, marker)) return true;
  }
  return false;
}

function parseSpan(
  text: string,
  start: number,
  closer: string | undefined,
  links: boolean,
  budget: Budget,
): Span {
  let html = '';
  let index = start;
  while (index < text.length) {
    budget.steps -= 1;
    if (budget.steps < 0) throw EXHAUSTED;
    const char = text[index] ?? '';
    if (
      closer !== undefined &&
      text.startsWith(closer, index) &&
      canClose(text, index, closer) &&
      index > start
    ) {
      return { html, end: index + closer.length, closed: true };
    }
    if (char === '\\' && PUNCTUATION.test(text[index + 1] ?? '')) {
      html += escapeHtml(text[index + 1] ?? '');
      index += 2;
      continue;
    }
    if (char === '`') {
      const end = text.indexOf('`', index + 1);
      if (end > index + 1) {
        html += `<code>${escapeHtml(text.slice(index + 1, end))}</code>`;
        index = end + 1;
        continue;
      }
    }
    if (char === '[' && links) {
      const link = /^\[([^\]\n]+)\]\(((?:https?:\/\/|tg:\/\/|mailto:)[^\s()]+)\)/.exec(text.slice(index));
      if (link) {
        const label = parseSpan(link[1] ?? '', 0, undefined, false, budget).html;
        html += `<a href="${escapeAttribute(link[2] ?? '')}">${label}</a>`;
        index += link[0].length;
        continue;
      }
    }
    const found = MARKERS.find(({ marker }) => text.startsWith(marker, index));
    if (
      found &&
      found.marker !== closer &&
      canOpen(text, index, found.marker) &&
      closesLater(text, index + found.marker.length + 1, found.marker, budget)
    ) {
      const inner = parseSpan(text, index + found.marker.length, found.marker, links, budget);
      if (inner.closed) {
        html += `<${found.tag}>${inner.html}</${found.tag}>`;
        index = inner.end;
        continue;
      }
    }
    if (found) {
      html += escapeHtml(found.marker);
      index += found.marker.length;
      continue;
    }
    html += escapeHtml(char);
    index += 1;
  }
  return { html, end: index, closed: false };
}

/** The visible text of our own HTML (tags dropped, entities decoded), to check lengths. */
export function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
