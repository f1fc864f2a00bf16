import { createInterface } from 'node:readline';
import type { Asides } from './asides';
import { ansi } from './screen';

/** What the user did at a prompt. */
export type PromptResult =
  /** Pressed Enter: one line, or every line of a paste. */
  | { readonly kind: 'text'; readonly text: string }
  /** Ctrl+C with nothing typed. */
  | { readonly kind: 'interrupt' }
  /** Ctrl+D with nothing typed, or the input ended. */
  | { readonly kind: 'end' };

/** How a prompt looks and what it remembers. */
export interface PromptOptions {
  readonly prompt: string;
  /** Lines entered before, newest first; new lines are added to it. None when left out. */
  readonly history?: string[];
  /** Where text that arrives meanwhile (a pushed answer) is printed above the prompt. */
  readonly asides?: Asides;
}

type Attempt = PromptResult | { readonly kind: 'cleared' };

/**
 * Read one message at a terminal with line editing and history. A paste of several lines is one
 * message (bracketed paste, or lines that arrive in one read), sent with the next Enter. Ctrl+C with
 * something typed clears it, as shells do.
 */
export async function readPrompt(
  input: NodeJS.ReadStream,
  output: NodeJS.WritableStream,
  options: PromptOptions,
): Promise<PromptResult> {
  for (;;) {
    const attempt = await readOnce(input, output, options);
    if (attempt.kind !== 'cleared') return attempt;
  }
}

function readOnce(
  input: NodeJS.ReadStream,
  output: NodeJS.WritableStream,
  options: PromptOptions,
): Promise<Attempt> {
  return new Promise((resolve) => {
    const history = options.history;
    const editor = createInterface({
      input,
      output,
      terminal: true,
      prompt: options.prompt,
      history: history ?? [],
      historySize: history ? 1000 : 0,
      removeHistoryDuplicates: true,
    });
    const gathered: string[] = [];
    let pasting = false;
    let flushQueued = false;
    let done = false;
    const onKey = (_text: unknown, key: { name?: string } | undefined) => {
      if (key?.name === 'paste-start') pasting = true;
      else if (key?.name === 'paste-end') pasting = false;
    };
    const detach = options.asides?.attach(editor);
    const finish = (result: Attempt) => {
      if (done) return;
      done = true;
      detach?.();
      input.off('keypress', onKey);
      output.write(ansi.pasteOff);
      editor.close();
      resolve(result);
    };
    const flush = () => {
      flushQueued = false;
      if (pasting || done) return;
      const text = gathered.join('\n').replace(/\n+$/, '');
      gathered.length = 0;
      if (text.trim() === '') editor.prompt();
      else finish({ kind: 'text', text });
    };
    editor.on('line', (line) => {
      gathered.push(line);
      if (pasting || flushQueued) return;
      flushQueued = true;
      setImmediate(flush);
    });
    editor.on('SIGINT', () => {
      const typed = editor.line !== '' || gathered.length > 0;
      editor.write('', { ctrl: true, name: 'e' });
      output.write(typed ? '^C\n' : '\n');
      finish({ kind: typed ? 'cleared' : 'interrupt' });
    });
    editor.on('close', () => {
      if (done) return;
      output.write('\n');
      finish({ kind: 'end' });
    });
    input.on('keypress', onKey);
    output.write(ansi.pasteOn);
    editor.prompt();
  });
}
