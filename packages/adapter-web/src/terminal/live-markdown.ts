import { type MarkdownRenderer, splitBlocks } from './markdown';
import {
  ansi,
  displayText,
  eraseRows,
  fitLine,
  rowsOf,
  type ScreenSize,
  sanitize,
  stripAnsi,
} from './screen';

/** Where a live answer writes and how it learns the screen's size. */
export interface LiveMarkdownOptions {
  readonly write: (text: string) => void;
  readonly render: MarkdownRenderer;
  readonly size: () => ScreenSize;
}

/**
 * A markdown answer drawn on a terminal while it streams. Finished blocks are printed rendered, once;
 * the block still being written is shown raw and dimmed in a "live region" below them, together with
 * the current status line, and redrawn in place (erase its rows, print again) when a block finishes or
 * the status changes. The live region always starts at column 0, so its height can be counted.
 *
 * A block taller than the screen cannot be erased (its top has scrolled away): it is left raw as it
 * is, and the answer goes on below it.
 */
export class LiveMarkdown {
  readonly #options: LiveMarkdownOptions;
  /** Everything streamed so far, sanitized. */
  #source = '';
  /** Where the first block that is not printed for good starts. */
  #blockStart = 0;
  /** Up to where the screen is final: `#blockStart`, or further when a tall block was left raw. */
  #settledUpTo = 0;
  #status: string | undefined;
  /** Rows the live region takes now; the cursor is at its end. */
  #liveRows = 0;

  constructor(options: LiveMarkdownOptions) {
    this.#options = options;
  }

  /** The answer text streamed so far. */
  get text(): string {
    return this.#source;
  }

  /** More answer text. */
  append(delta: string): void {
    const clean = sanitize(delta);
    if (clean === '') return;
    this.#source += clean;
    if (this.#status === undefined) {
      this.#options.write(ansi.dim(displayText(clean)));
      this.#liveRows = this.#rowsOf(this.#liveText());
    } else {
      this.#status = undefined;
      this.#redraw();
    }
    this.#settle(false);
    this.#leaveTallBlockRaw();
  }

  /** Show a status line under the text until the next status or text replaces it. */
  status(text: string): void {
    this.#status = text;
    this.#redraw();
  }

  /** The final answer: what streamed stays when the final text continues it, else the final text follows. */
  finish(finalText: string): void {
    this.#status = undefined;
    const clean = sanitize(finalText);
    if (!clean.startsWith(this.#source)) {
      this.#erase();
      if (this.#source.trim() !== '') this.#options.write(ansi.dim('The final answer:\n'));
      this.#blockStart = 0;
      this.#settledUpTo = 0;
    }
    this.#source = clean;
    this.#settle(true);
  }

  /** Stop here (cancelled, failed, or a question for the user comes): render what came, drop the status. */
  close(): void {
    this.#status = undefined;
    this.#settle(true);
  }

  #settle(everything: boolean): void {
    const pending = this.#source.slice(this.#blockStart);
    const split = splitBlocks(pending);
    const length = everything ? pending.length : split.complete;
    if (length === 0 && !everything) return;
    const end = this.#blockStart + length;
    let renderFrom = this.#blockStart;
    let out = '';
    if (this.#settledUpTo > this.#blockStart) {
      renderFrom = Math.min(end, Math.max(this.#blockStart + split.firstBlock, this.#settledUpTo));
      const raw = displayText(this.#source.slice(this.#settledUpTo, renderFrom));
      out = ansi.dim(raw.endsWith('\n') || renderFrom === end ? raw : `${raw}\n`);
    }
    const rendered = this.#options.render(this.#source.slice(renderFrom, end));
    out += everything ? rendered.trimEnd() : rendered;
    if (out !== '' && !stripAnsi(out).endsWith('\n')) out += '\n';
    this.#erase();
    this.#options.write(out);
    this.#blockStart = end;
    this.#settledUpTo = Math.max(end, this.#settledUpTo);
    this.#redraw();
  }

  /** When the live region nears the screen's height, keep its lines as they are and go on below them. */
  #leaveTallBlockRaw(): void {
    const { rows } = this.#options.size();
    if (this.#liveRows < rows - 1) return;
    const live = this.#source.slice(this.#settledUpTo);
    const cut = live.lastIndexOf('\n') + 1;
    if (cut > 0 && this.#rowsOf(displayText(live.slice(cut))) < rows - 1) {
      this.#settledUpTo += cut;
    } else {
      this.#settledUpTo = this.#source.length;
      this.#options.write('\n');
    }
    this.#liveRows = this.#rowsOf(this.#liveText());
  }

  #liveText(): string {
    const raw = displayText(this.#source.slice(this.#settledUpTo));
    if (this.#status === undefined) return raw;
    const line = fitLine(this.#status, this.#options.size().columns);
    return raw === '' || raw.endsWith('\n') ? `${raw}${line}` : `${raw}\n${line}`;
  }

  #redraw(): void {
    this.#erase();
    const text = this.#liveText();
    if (text === '') return;
    this.#options.write(ansi.dim(text));
    this.#liveRows = this.#rowsOf(text);
  }

  #erase(): void {
    this.#options.write(eraseRows(this.#liveRows));
    this.#liveRows = 0;
  }

  #rowsOf(text: string): number {
    return text === '' ? 0 : rowsOf(text, this.#options.size().columns);
  }
}
