import type { Interface } from 'node:readline';

/**
 * Text that arrives on its own (a pushed answer) while the chat does something else. At a prompt it is
 * printed above the prompt, which is drawn again with what the user had typed; while an answer streams it
 * waits until that answer ends, so the two never interleave; otherwise it is printed at once.
 */
export class Asides {
  readonly #output: NodeJS.WritableStream;
  readonly #held: string[] = [];
  #editor: Interface | undefined;
  #busy = false;

  constructor(output: NodeJS.WritableStream) {
    this.#output = output;
  }

  /** Show `text` (whole lines, ending with a newline) as soon as it cannot disturb anything. */
  show(text: string): void {
    if (this.#busy) {
      this.#held.push(text);
    } else if (this.#editor !== undefined) {
      this.#output.write('\r\u001b[2K');
      this.#output.write(text);
      this.#editor.prompt(true);
    } else {
      this.#output.write(text);
    }
  }

  /** An answer starts streaming: hold what arrives until {@link idle}. */
  busy(): void {
    this.#busy = true;
  }

  /** The answer ended: print what was held. */
  idle(): void {
    this.#busy = false;
    for (const text of this.#held.splice(0)) this.#output.write(text);
  }

  /** A prompt is being read with `editor`: asides go above it until the returned function is called. */
  attach(editor: Interface): () => void {
    this.#editor = editor;
    return () => {
      if (this.#editor === editor) this.#editor = undefined;
    };
  }
}
