const FENCE = /^\s*(```|~~~)/;
const BOLD_MARK = '\u0001';
const CODE_MARK = '\u0002';

/** Inline Markdown of one line (outside code) in WhatsApp's syntax. */
function formatInline(line: string): string {
  const spans: string[] = [];
  let text = line.replace(/`[^`\n]+`/g, (span) => {
    spans.push(span);
    return `${CODE_MARK}${spans.length - 1}${CODE_MARK}`;
  });
  text = text
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, (_all, label: string, url: string) =>
      label === url ? url : `${label} (${url})`,
    )
    .replace(/\*\*(?=\S)([^*\n]*?\S)\*\*/g, `${BOLD_MARK}$1${BOLD_MARK}`)
    .replace(/__(?=\S)([^_\n]*?\S)__/g, `${BOLD_MARK}$1${BOLD_MARK}`)
    .replace(/(^|[^*\w])\*(?=\S)([^*\n]*?\S)\*(?![*\w])/g, '$1_$2_')
    .replace(/~~(?=\S)([^~\n]*?\S)~~/g, '~$1~')
    .replaceAll(BOLD_MARK, '*');
  return text.replace(
    new RegExp(`${CODE_MARK}(\\d+)${CODE_MARK}`, 'g'),
    (_all, index: string) => spans[Number(index)] ?? '',
  );
}

/** One line outside code: headings become bold lines, `*`/`+` bullets become `-`, then inline styles. */
function formatLine(line: string): string {
  const heading = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
  if (heading?.[1] !== undefined) {
    const title = formatInline(heading[1]).replace(/\*/g, '');
    return title === '' ? '' : `*${title}*`;
  }
  const bullet = /^(\s*)[*+]\s+(.*)$/.exec(line);
  if (bullet !== null) return `${bullet[1] ?? ''}- ${formatInline(bullet[2] ?? '')}`;
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) return '—';
  return formatInline(line);
}

/**
 * Markdown as WhatsApp shows it: `**bold**` → `*bold*`, `*italic*` → `_italic_`, `~~strike~~` →
 * `~strike~`, headings as bold lines, `*`/`+` bullets as `-`, links as `text (url)`. Code blocks keep
 * their text with plain ``` fences (a language tag would show as text); inline code is kept. Never
 * longer than the input, so the engine's split at 4,096 characters still holds.
 */
export function toWhatsApp(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const opener = FENCE.exec(line)?.[1];
    if (fence === undefined && opener !== undefined) {
      fence = opener;
      out.push('```');
      continue;
    }
    if (fence !== undefined) {
      if (opener === fence && line.trim() === fence) {
        fence = undefined;
        out.push('```');
      } else out.push(line);
      continue;
    }
    out.push(formatLine(line));
  }
  const text = out.join('\n');
  return text.length <= markdown.length ? text : markdown;
}
