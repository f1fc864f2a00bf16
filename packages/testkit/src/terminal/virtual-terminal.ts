import xterm from '@xterm/headless';

/** The size of a virtual terminal, in character cells. */
export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

/**
 * A terminal emulator without a screen (xterm.js headless): feed it what a program wrote, then read the
 * screen as a person would see it. Cursor moves, erases and wraps are applied, so a test sees the final
 * screen, not the bytes that drew it.
 */
export class VirtualTerminal {
  readonly #terminal: InstanceType<typeof xterm.Terminal>;
  #written: Promise<void> = Promise.resolve();
  #raw = '';

  constructor(size: TerminalSize = { columns: 100, rows: 30 }) {
    this.#terminal = new xterm.Terminal({
      cols: size.columns,
      rows: size.rows,
      scrollback: 10_000,
      allowProposedApi: true,
    });
  }

  /** Everything written so far, escape sequences included. */
  get raw(): string {
    return this.#raw;
  }

  /** Feed output to the terminal. */
  write(data: string): void {
    this.#raw += data;
    this.#written = new Promise((resolve) => this.#terminal.write(data, resolve));
  }

  /** Resolves once everything written so far is on the screen. */
  settled(): Promise<void> {
    return this.#written;
  }

  /**
   * Every line, scrollback included: rows the terminal wrapped joined back into one line, trailing
   * blanks cut, trailing empty lines dropped.
   */
  lines(): string[] {
    const buffer = this.#terminal.buffer.active;
    const rows: string[] = [];
    for (let index = 0; index < buffer.length; index += 1) {
      const row = buffer.getLine(index);
      const text = row?.translateToString(false) ?? '';
      if (row?.isWrapped && rows.length > 0) rows[rows.length - 1] += text;
      else rows.push(text);
    }
    const lines = rows.map((line) => line.trimEnd());
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines;
  }

  /** The lines joined with newlines. */
  text(): string {
    return this.lines().join('\n');
  }

  /** The line the cursor is on. */
  cursorLine(): string {
    const buffer = this.#terminal.buffer.active;
    return buffer.getLine(buffer.baseY + buffer.cursorY)?.translateToString(true) ?? '';
  }

  dispose(): void {
    this.#terminal.dispose();
  }
}
