/**
 * Joins the text chunks of one answer into fewer `delta` messages: the first chunk goes out at once, later
 * ones at most every `intervalMs` (a timer sends what waits, so no text is held longer than that).
 * Every delta costs the box an IPC message, an agent step, a bus message and an SSE write, which on a
 * 2-core machine takes CPU from generation; `intervalMs` 0 sends every chunk as it comes.
 */
export class DeltaBatcher {
  readonly #intervalMs: number;
  readonly #send: (text: string, chunks: number) => void;
  #text = '';
  #chunks = 0;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  constructor(intervalMs: number, send: (text: string, chunks: number) => void) {
    this.#intervalMs = intervalMs;
    this.#send = send;
  }

  /** One chunk of answer text. */
  push(text: string): void {
    if (text === '') return;
    this.#text += text;
    this.#chunks += 1;
    const wait = this.#lastSentAt + this.#intervalMs - Date.now();
    if (wait <= 0) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Send what waits now (before a tool call, the finish, or an error). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#chunks === 0) return;
    const text = this.#text;
    const chunks = this.#chunks;
    this.#text = '';
    this.#chunks = 0;
    this.#lastSentAt = Date.now();
    this.#send(text, chunks);
  }
}
