/**
 * The chat page's Markdown renderer, as browser script source: `renderMarkdown(target, text)` replaces
 * `target`'s children with the text's blocks (paragraphs, headings, lists, quotes, fenced code) and
 * inline marks (code, bold, italics, http(s) links). Every piece of model text goes in as a text node —
 * the renderer builds elements itself and never parses HTML — so what the model writes cannot become
 * markup or script. An unclosed fence (an answer still streaming) runs to the end of the text.
 * Written as plain JavaScript (`String.raw`, so its regular expressions need no double escaping; a
 * backtick is `\x60`).
 */
export const MARKDOWN_SCRIPT = String.raw`
function renderMarkdown(target, text) {
  const make = (tag, children) => {
    const element = document.createElement(tag);
    for (const child of children || []) element.append(child);
    return element;
  };
  const SAFE_LINK = /^https?:\/\/[^\s<>"']+$/i;
  const INLINE = /(\x60+)([\s\S]*?[^\x60])\1(?!\x60)|\*\*(?=\S)([\s\S]*?\S)\*\*|__(?=\S)([\s\S]*?\S)__|\*(?=[^\s*])([^*]*?[^\s*])\*|(^|[^\w])_(?=[^\s_])([^_]*?[^\s_])_(?!\w)|\[([^\]\n]+)\]\(([^()\s]+)\)/;
  const inline = (value) => {
    const nodes = [];
    let rest = value;
    for (let match = INLINE.exec(rest); match; match = INLINE.exec(rest)) {
      let start = match.index;
      if (match[6] !== undefined) start += match[6].length;
      if (start > 0) nodes.push(document.createTextNode(rest.slice(0, start)));
      if (match[2] !== undefined) nodes.push(make('code', [match[2].replace(/^ (.*) $/, '$1')]));
      else if (match[3] !== undefined || match[4] !== undefined) nodes.push(make('strong', inline(match[3] ?? match[4])));
      else if (match[5] !== undefined || match[7] !== undefined) nodes.push(make('em', inline(match[5] ?? match[7])));
      else if (SAFE_LINK.test(match[9])) {
        const link = make('a', inline(match[8]));
        link.href = match[9];
        link.rel = 'noopener noreferrer';
        link.target = '_blank';
        nodes.push(link);
      } else nodes.push(document.createTextNode(match[0]));
      rest = rest.slice(match.index + match[0].length);
    }
    if (rest) nodes.push(document.createTextNode(rest));
    return nodes;
  };
  const withBreaks = (lines) => {
    const nodes = [];
    lines.forEach((line, index) => {
      if (index > 0) nodes.push(document.createElement('br'));
      nodes.push(...inline(line));
    });
    return nodes;
  };
  const FENCE = /^\s{0,3}(\x60{3,}|~{3,})\s*([\w+#.-]*)\s*$/;
  const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
  const ITEM = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;
  const QUOTE = /^\s{0,3}>\s?(.*)$/;
  const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
  const special = (line) => FENCE.test(line) || HEADING.test(line) || ITEM.test(line) || QUOTE.test(line) || RULE.test(line);
  const blocks = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let index = 0; index < lines.length; ) {
    const line = lines[index];
    const fence = FENCE.exec(line);
    if (fence) {
      const body = [];
      for (index += 1; index < lines.length && !(lines[index].trim().startsWith(fence[1]) && lines[index].trim().replace(/[\x60~]/g, '') === ''); index += 1)
        body.push(lines[index]);
      index += 1;
      const code = make('code', [body.join('\n')]);
      if (fence[2]) code.dataset.language = fence[2];
      blocks.push(make('pre', [code]));
      continue;
    }
    if (line.trim() === '') { index += 1; continue; }
    if (RULE.test(line)) { blocks.push(document.createElement('hr')); index += 1; continue; }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push(make('h' + Math.min(6, heading[1].length + 2), inline(heading[2])));
      index += 1;
      continue;
    }
    if (ITEM.test(line)) {
      const ordered = /^\d/.test(ITEM.exec(line)[1]);
      const list = document.createElement(ordered ? 'ol' : 'ul');
      for (let item = ITEM.exec(lines[index]); index < lines.length && item && /^\d/.test(item[1]) === ordered; item = ITEM.exec(lines[index] ?? '')) {
        const entry = [item[2]];
        for (index += 1; index < lines.length && lines[index].trim() !== '' && !special(lines[index]); index += 1)
          entry.push(lines[index].trim());
        list.append(make('li', withBreaks(entry)));
      }
      blocks.push(list);
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted = [];
      for (; index < lines.length && QUOTE.test(lines[index]); index += 1) quoted.push(QUOTE.exec(lines[index])[1]);
      blocks.push(make('blockquote', withBreaks(quoted)));
      continue;
    }
    const paragraph = [];
    for (; index < lines.length && lines[index].trim() !== '' && !special(lines[index]); index += 1)
      paragraph.push(lines[index]);
    blocks.push(make('p', withBreaks(paragraph)));
  }
  target.replaceChildren(...blocks);
}
`;
