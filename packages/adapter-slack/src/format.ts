/**
 * Markdown (what models write) → Slack mrkdwn, and Slack's encoded text → plain text.
 *
 * Everything the model wrote is escaped (`&`, `<`, `>`), so `<!channel>`, `<!here>`, `<@U…>` and
 * `<#C…>` from model text render as text and never ping anyone; plain `@here`/`@channel`/`@everyone`
 * get a zero-width space. Only the links this converter itself produces keep Slack's `<url|label>` form.
 */

const ZERO_WIDTH_SPACE = '\u200B';
const BOLD = '\u0001';
const LINK = '\u0002';

/** Escape Slack's three control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `@here`, `@channel`, `@everyone` → the same with a zero-width space, so they never notify. */
export function neutraliseBroadcasts(text: string): string {
  return text.replace(/@(here|channel|everyone)\b/gi, `@${ZERO_WIDTH_SPACE}$1`);
}

function escapeUrl(url: string): string {
  return url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
}

/** Bold, italic, strike-through and links in a stretch of text that holds no code span. */
function formatText(text: string): string {
  const links: string[] = [];
  const keep = (link: string) => {
    links.push(link);
    return `${LINK}${links.length - 1}${LINK}`;
  };
  let result = text
    .replace(/!?\[([^\]\n]*)\]\((https?:\/\/[^\s)]+|mailto:[^\s)]+)\)/g, (_m, label: string, url: string) =>
      keep(
        label.trim() === ''
          ? `<${escapeUrl(url)}>`
          : `<${escapeUrl(url)}|${escapeSlack(label).replace(/\|/g, '¦')}>`,
      ),
    )
    .replace(/<(https?:\/\/[^\s>]+)>/g, (_m, url: string) => keep(`<${escapeUrl(url)}>`));
  result = neutraliseBroadcasts(escapeSlack(result));
  result = result
    .replace(/\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*/g, `${BOLD}$1${BOLD}`)
    .replace(/__(?=\S)([^_\n]+?)(?<=\S)__/g, `${BOLD}$1${BOLD}`)
    .replace(
      /(^|[^*\w])\*(?=[^\s*])([^*\n]*?[^\s*])?\*(?![*\w])/g,
      (_m, before: string, inner: string | undefined) => (inner === undefined ? _m : `${before}_${inner}_`),
    )
    .replace(/~~(?=\S)([^~\n]+?)(?<=\S)~~/g, '~$1~');
  return result
    .replaceAll(BOLD, '*')
    .replace(new RegExp(`${LINK}(\\d+)${LINK}`, 'g'), (_m, index: string) => links[Number(index)] ?? '');
}

/** One line's inline formatting: code spans stay literal (escaped), the rest is converted. */
function formatInline(line: string): string {
  const parts = line.split(/(`[^`\n]+`)/);
  return parts
    .map((part, index) => (index % 2 === 1 ? `\`${escapeSlack(part.slice(1, -1))}\`` : formatText(part)))
    .join('');
}

function stripEmphasis(text: string): string {
  return text.replace(/\*\*|__/g, '');
}

function formatLine(line: string): string {
  const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading) return `*${formatInline(stripEmphasis(heading[1] ?? ''))}*`;
  const quote = /^\s{0,3}>\s?(.*)$/.exec(line);
  if (quote) return `> ${formatLine(quote[1] ?? '')}`;
  if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) return '──────────';
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) {
    const level = Math.floor((bullet[1] ?? '').replace(/\t/g, '    ').length / 2);
    const task = /^\[([ xX])\]\s+(.*)$/.exec(bullet[2] ?? '');
    const content = task ? `${task[1] === ' ' ? '☐' : '☑'} ${task[2] ?? ''}` : (bullet[2] ?? '');
    return `${'    '.repeat(level)}${level % 2 === 0 ? '•' : '◦'} ${formatInline(content)}`;
  }
  const ordered = /^(\s*)(\d{1,9})[.)]\s+(.*)$/.exec(line);
  if (ordered) {
    const level = Math.floor((ordered[1] ?? '').replace(/\t/g, '    ').length / 2);
    return `${'    '.repeat(level)}${ordered[2]}. ${formatInline(ordered[3] ?? '')}`;
  }
  return formatInline(line);
}

/**
 * Convert Markdown to Slack mrkdwn: `**bold**` → `*bold*`, `*italic*` → `_italic_`, `~~x~~` → `~x~`,
 * `[label](url)` → `<url|label>`, headings → bold lines, `-`/`*` lists → `•` bullets, fenced code kept
 * (language tag dropped; an unclosed fence is closed). Mentions and broadcasts are neutralised.
 */
export function toMrkdwn(markdown: string): string {
  const lines = markdown.replaceAll('\u0000', '').replaceAll(BOLD, '').replaceAll(LINK, '').split('\n');
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const marker = /^\s{0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence === undefined && marker) {
      const rest = marker[2] ?? '';
      const closing = rest.lastIndexOf(marker[1] ?? '```');
      if (closing > 0) {
        out.push(`\`\`\`${escapeSlack(rest.slice(0, closing))}\`\`\``);
        continue;
      }
      fence = marker[1]?.[0] ?? '`';
      out.push(/^[\w+#.-]*$/.test(rest.trim()) ? '```' : `\`\`\`${escapeSlack(rest)}`);
      continue;
    }
    if (fence !== undefined) {
      if (marker && marker[1]?.[0] === fence && (marker[2] ?? '').trim() === '') {
        fence = undefined;
        out.push('```');
      } else {
        out.push(escapeSlack(line));
      }
      continue;
    }
    out.push(formatLine(line));
  }
  if (fence !== undefined) out.push('```');
  return out.join('\n');
}

/**
 * Neutralise mentions in Markdown sent as `markdown_text` (native streaming), where the text is not
 * escaped: `<!here>`, `<@U…>`, `<#C…>` get a zero-width space after `<`, and so do bare broadcasts.
 */
export function neutraliseMarkdown(markdown: string): string {
  return neutraliseBroadcasts(markdown.replace(/<([!@#])/g, `<${ZERO_WIDTH_SPACE}$1`));
}

/**
 * Slack's encoded message text → plain text for the model: `<@U1|ann>` → `@ann`, `<#C1|general>` →
 * `#general`, `<!here>` → `@here`, `<https://x|label>` → `label (https://x)`, entities unescaped.
 */
export function fromSlackText(text: string): string {
  return text
    .replace(/<([^<>\n]*)>/g, (_m, inner: string) => {
      const [target = '', label] = inner.split('|', 2);
      if (target.startsWith('@')) return `@${label ?? target.slice(1)}`;
      if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
      if (target.startsWith('!subteam^')) return label ?? '@group';
      if (target.startsWith('!date^')) return label ?? '';
      if (target.startsWith('!')) return `@${target.slice(1)}`;
      if (target.startsWith('mailto:')) return label ?? target.slice('mailto:'.length);
      return label === undefined || label === target ? target : `${label} (${target})`;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Remove every mention of `userId` (`<@U1>` or `<@U1|name>`) and trim. */
export function stripMention(text: string, userId: string): string {
  return text
    .replace(new RegExp(`<@${userId.replace(/[^\w]/g, '')}(?:\\|[^>]*)?>`, 'g'), ' ')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/**
 * Split mrkdwn into pieces of at most `max` characters, preferring line breaks, then spaces, and never
 * cutting through an `&…;` entity or a `<…>` link.
 */
export function splitMrkdwn(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) {
      cut = max;
      const amp = rest.lastIndexOf('&', cut);
      if (amp > cut - 8 && !rest.slice(amp, cut).includes(';')) cut = amp;
      const open = rest.lastIndexOf('<', cut);
      if (open > cut - 300 && open > rest.lastIndexOf('>', cut - 1)) cut = open;
      if (cut <= 0) cut = max;
    }
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  pieces.push(rest);
  return pieces;
}
