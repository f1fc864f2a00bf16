import { Lexer, Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';

/** Turns markdown into text with terminal styles. */
export type MarkdownRenderer = (markdown: string) => string;

/** A renderer for a screen `columns` wide: bold, code, lists, tables and links drawn with ANSI styles. */
export function createMarkdownRenderer(columns: number): MarkdownRenderer {
  const width = Math.max(20, Math.min(columns, 120));
  const marked = new Marked(markedTerminal({ width, reflowText: false, tab: 2, showSectionPrefix: false }));
  return (markdown) => marked.parse(markdown, { async: false });
}

/** Where the complete blocks of a markdown text end. */
export interface BlockSplit {
  /** Length of the leading blocks that no later text can change; 0 when none is complete yet. */
  readonly complete: number;
  /** End of the first block (with the blank lines after it), or the whole text when it has one block. */
  readonly firstBlock: number;
}

/**
 * Split streamed markdown into blocks that are done and the one still being written. A block is done
 * once another block starts after it: a paragraph once a blank line and more text follow, a code block
 * once its fence closed and something follows. When the lexer cannot account for every character, no
 * block is done (the text is rendered whole at the end).
 */
export function splitBlocks(markdown: string): BlockSplit {
  const tokens = Lexer.lex(markdown, { gfm: true });
  if (tokens.map((token) => token.raw).join('') !== markdown)
    return { complete: 0, firstBlock: markdown.length };
  let last = tokens.length - 1;
  while (last >= 0 && tokens[last]?.type === 'space') last -= 1;
  let complete = 0;
  for (let index = 0; index < last; index += 1) complete += tokens[index]?.raw.length ?? 0;
  let firstBlock = 0;
  for (const [index, token] of tokens.entries()) {
    if (index > 0 && token.type !== 'space') break;
    firstBlock += token.raw.length;
  }
  return { complete, firstBlock };
}
