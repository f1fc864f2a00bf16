import stringWidth from 'string-width';

/** The terminal's size in character cells. */
export interface ScreenSize {
  readonly columns: number;
  readonly rows: number;
}

/** Terminal control sequences the chat writes. */
export const ansi = {
  dim: (text: string) => `\u001b[2m${text}\u001b[22m`,
  bold: (text: string) => `\u001b[1m${text}\u001b[22m`,
  red: (text: string) => `\u001b[31m${text}\u001b[39m`,
  yellow: (text: string) => `\u001b[33m${text}\u001b[39m`,
  /** Move to the start of the line and clear it. */
  clearLine: '\r\u001b[2K',
  /** Turn bracketed paste on: the terminal marks pasted text, so a pasted block is one message. */
  pasteOn: '\u001b[?2004h',
  pasteOff: '\u001b[?2004l',
} as const;

/**
 * Erase the `rows` screen rows that end at the cursor's row (text written from column 0): the cursor
 * ends at column 0 of the first of them.
 */
export function eraseRows(rows: number): string {
  if (rows <= 0) return '';
  return `\r${rows > 1 ? `\u001b[${rows - 1}A` : ''}\u001b[J`;
}

/** Text without its escape sequences (styles, hyperlinks). */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point
  return text.replace(/\u001b\[[\d;?]*[A-Za-z]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, '');
}

const TAB = '    ';

/**
 * Text from the model made safe to print: no escape sequences or other control characters (a reply
 * must not move the cursor or retitle the window), `\r\n` as `\n`. Tabs stay; see {@link displayText}.
 */
export function sanitize(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/** Sanitized text as it is printed raw: tabs as spaces, so its width can be counted. */
export function displayText(text: string): string {
  return text.replaceAll('\t', TAB);
}

/**
 * How many screen rows `text` (display text, without escape sequences) takes when printed from column 0
 * on a screen `columns` wide; the cursor ends on the last of them. A line that fills the width exactly
 * leaves the cursor on its own row, so it counts once.
 */
export function rowsOf(text: string, columns: number): number {
  const width = Math.max(1, columns);
  let rows = 0;
  for (const line of text.split('\n')) rows += Math.max(1, Math.ceil(stringWidth(line) / width));
  return rows;
}

/** Cut a one-line text to fit in `columns - 1` cells, with an ellipsis when cut. */
export function fitLine(text: string, columns: number): string {
  const line = displayText(sanitize(text)).replaceAll('\n', ' ');
  const room = Math.max(1, columns - 1);
  if (stringWidth(line) <= room) return line;
  let cut = '';
  for (const character of line) {
    if (stringWidth(`${cut}${character}…`) > room) break;
    cut += character;
  }
  return `${cut}…`;
}

/** The size of `output` when it is a terminal that reports one; 80×24 otherwise. */
export function screenSizeOf(output: NodeJS.WritableStream): ScreenSize {
  const tty = output as Partial<Pick<NodeJS.WriteStream, 'columns' | 'rows'>>;
  return {
    columns: tty.columns && tty.columns > 0 ? tty.columns : 80,
    rows: tty.rows && tty.rows > 0 ? tty.rows : 24,
  };
}

/** True when `output` is a terminal that can take cursor movement and colours. */
export function isStyledTerminal(output: NodeJS.WritableStream, env = process.env): boolean {
  return (output as Partial<NodeJS.WriteStream>).isTTY === true && env['TERM'] !== 'dumb';
}

/**
 * A stream that keeps what a view writes, for text printed later in one piece (an answer that arrives
 * while the user types, the turns shown when the chat opens).
 */
export function textSink(): { readonly stream: NodeJS.WritableStream; text(): string } {
  let text = '';
  const stream = {
    write(chunk: string) {
      text += chunk;
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return { stream, text: () => text };
}
