/** How long after a user's last message a business may send them free-form messages. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

/** A minute's margin, so a message is not sent in the last seconds and refused on arrival. */
const MARGIN_MS = 60_000;

/** The most replies kept for one user while their window is closed. */
const MAX_HELD = 20;

/**
 * Each user's 24-hour customer-service window, from the messages they send, and the replies held back
 * while it is closed (delivered once they write again). In memory: a restart forgets the held replies
 * (the tasks and their answers stay in the database).
 */
export class CustomerWindows {
  readonly #lastWrote = new Map<string, number>();
  readonly #held = new Map<string, string[]>();
  readonly #notified = new Set<string>();

  /** `waId` sent a message at `at` (milliseconds). */
  wrote(waId: string, at: number): void {
    this.#lastWrote.set(waId, Math.max(at, this.#lastWrote.get(waId) ?? 0));
    this.#notified.delete(waId);
  }

  /** True while free-form messages to `waId` may be sent; `known` is a time the caller knows they wrote. */
  isOpen(waId: string, now: number, known?: number): boolean {
    const last = Math.max(this.#lastWrote.get(waId) ?? 0, known ?? 0);
    return now - last < WINDOW_MS - MARGIN_MS;
  }

  /** Keep `text` for `waId` until they write again; false when their queue is full (the text is dropped). */
  hold(waId: string, text: string): boolean {
    const queue = this.#held.get(waId) ?? [];
    if (queue.length >= MAX_HELD) return false;
    queue.push(text);
    this.#held.set(waId, queue);
    return true;
  }

  /** The replies held for `waId`, in order, removed from the queue. */
  takeHeld(waId: string): string[] {
    const queue = this.#held.get(waId) ?? [];
    this.#held.delete(waId);
    return queue;
  }

  /** True the first time it is asked for `waId` since they last wrote: tell them once per closed window. */
  shouldNotify(waId: string): boolean {
    if (this.#notified.has(waId)) return false;
    this.#notified.add(waId);
    return true;
  }
}
