import type { JsMsg } from '@nats-io/jetstream';

/** How long an ack may wait for others to go with it. */
const ACK_BATCH_MS = 2;

/**
 * Acks collected for a moment and sent together. The NATS client writes everything sent in one tick
 * as one socket write, and on a busy gateway each reply part otherwise costs a write of its own (the
 * scale-out profile found socket writes the gateway's largest cost). An ack held this briefly changes
 * nothing a crash could see: an unacked part is delivered again either way.
 */
export class AckBatch {
  readonly #delayMs: number;
  #pending: JsMsg[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(delayMs = ACK_BATCH_MS) {
    this.#delayMs = delayMs;
  }

  /** Ack `msg` with the next batch. */
  add(msg: JsMsg): void {
    this.#pending.push(msg);
    this.#timer ??= setTimeout(() => this.flush(), this.#delayMs);
  }

  /** Send every waiting ack now. */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const pending = this.#pending;
    this.#pending = [];
    for (const msg of pending) msg.ack();
  }

  /** How many acks wait for the next batch. */
  get waiting(): number {
    return this.#pending.length;
  }
}
