import type { ReplyMeta } from '@switchboard/core';
import { LiveMarkdown } from './live-markdown';
import { createMarkdownRenderer } from './markdown';
import { describeMeta } from './meta';
import { ansi, type ScreenSize, sanitize, screenSizeOf } from './screen';

/** How one reply is shown while its parts arrive. */
export interface ReplyView {
  status(text: string): void;
  delta(text: string): void;
  end(text: string, meta: ReplyMeta): void;
  error(message: string): void;
  cancelled(): void;
  /** Settle what is shown (render it, drop the status) before asking the user something. */
  pause(): void;
  /** The reply asks the user to choose; the view shows the question (and settles what came before). */
  approval(summary: string, choices: readonly string[]): void;
  /** A line of our own between parts, such as an approval's outcome. */
  note(text: string): void;
}

function listChoices(choices: readonly string[]): string {
  return choices.map((choice, index) => `[${index + 1}] ${sanitize(choice)}`).join('  ');
}

/**
 * The view for a terminal: text streams dimmed and raw, each finished block is reprinted as rendered
 * markdown, status lines come and go, the reply's facts end it on one dim line.
 */
export function createTerminalView(
  output: NodeJS.WritableStream,
  size: () => ScreenSize = () => screenSizeOf(output),
): ReplyView {
  const write = (text: string) => {
    if (text !== '') output.write(text);
  };
  const live = new LiveMarkdown({ write, render: createMarkdownRenderer(size().columns), size });
  return {
    status: (text) => live.status(text),
    delta: (text) => live.append(text),
    end(text, meta) {
      live.finish(text);
      const facts = describeMeta(meta);
      if (facts) write(`${ansi.dim(facts)}\n`);
    },
    error(message) {
      live.close();
      write(`${ansi.red(`✖ ${sanitize(message)}`)}\n`);
    },
    cancelled() {
      live.close();
      write(`${ansi.dim('(cancelled)')}\n`);
    },
    pause: () => live.close(),
    approval(summary, choices) {
      live.close();
      write(`${ansi.yellow('?')} ${ansi.bold('Approval needed:')} ${sanitize(summary)}\n`);
      write(`  ${listChoices(choices)}\n`);
    },
    note: (text) => write(`${ansi.dim(text)}\n`),
  };
}

/** The view for a pipe or a file: plain text as it streams, no styles, no status lines. */
export function createPlainView(output: NodeJS.WritableStream): ReplyView {
  let streamed = '';
  let atLineStart = true;
  const write = (text: string) => {
    if (text === '') return;
    output.write(text);
    atLineStart = text.endsWith('\n');
  };
  const endLine = () => {
    if (!atLineStart) write('\n');
  };
  return {
    status() {},
    delta(text) {
      const clean = sanitize(text);
      streamed += clean;
      write(clean);
    },
    end(text, meta) {
      const clean = sanitize(text);
      write(clean.startsWith(streamed) ? clean.slice(streamed.length) : `${streamed ? '\n' : ''}${clean}`);
      endLine();
      const facts = describeMeta(meta);
      if (facts) write(`${facts}\n`);
    },
    error(message) {
      endLine();
      write(`${sanitize(message)}\n`);
    },
    cancelled() {
      endLine();
      write('(cancelled)\n');
    },
    pause: endLine,
    approval(summary, choices) {
      endLine();
      write(`Approval needed: ${sanitize(summary)}\n  ${listChoices(choices)}\n`);
    },
    note(text) {
      endLine();
      write(`${text}\n`);
    },
  };
}
