import type { ReplyPart } from '@switchboard/core';
import { encodePushed, KEEP_ALIVE } from './sse';

/** How often an idle listener gets a keep-alive comment (proxies close silent streams after ~60 s). */
const KEEP_ALIVE_MS = 25_000;
/** How many pages may listen to one conversation, and to all of them together. */
export const MAX_LISTENERS_PER_CONVERSATION = 16;
export const MAX_LISTENERS = 128;
/** How many abandoned requests are remembered (their late parts are not pushed). */
const REMEMBERED_ABANDONED = 1024;

interface Listener {
  readonly conversation: string;
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
}

/**
 * Reply parts for a web conversation that no request's stream is open for — a schedule's run, a
 * background task that finishes after its request ended — pushed to the pages listening to that
 * conversation (`GET /api/conversations/{conversation}/events`). Nothing is kept for a conversation
 * nobody listens to: the answer is stored with the conversation either way. The late parts of a
 * request its own client abandoned (Stop, a closed tab) are not pushed.
 */
export class ConversationPush {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #abandoned = new Set<string>();
  #count = 0;
  #keepAlive: ReturnType<typeof setInterval> | undefined;

  /**
   * A new listener's event stream, or the reason none is opened (`full`: too many listeners). It ends
   * when the client goes away or {@link close} is called.
   */
  listen(conversation: string): ReadableStream<Uint8Array> | 'full' {
    const listeners = this.#listeners.get(conversation) ?? new Set<Listener>();
    if (listeners.size >= MAX_LISTENERS_PER_CONVERSATION || this.#count >= MAX_LISTENERS) return 'full';
    let listener: Listener | undefined;
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        listener = { conversation, controller };
        listeners.add(listener);
        this.#listeners.set(conversation, listeners);
        this.#count += 1;
        controller.enqueue(KEEP_ALIVE);
        this.#keepAlive ??= setInterval(() => this.#ping(), KEEP_ALIVE_MS);
        this.#keepAlive.unref?.();
      },
      cancel: () => {
        if (listener !== undefined) this.#remove(listener);
      },
    });
  }

  /** Push `part` of request `requestId` to the conversation's listeners; false when nobody got it. */
  deliver(conversation: string | undefined, requestId: string, part: ReplyPart): boolean {
    if (conversation === undefined || this.#abandoned.has(requestId)) return false;
    const listeners = this.#listeners.get(conversation);
    if (listeners === undefined) return false;
    const bytes = encodePushed({ requestId, part });
    for (const listener of [...listeners]) this.#send(listener, bytes);
    return listeners.size > 0;
  }

  /** The client of `requestId` went away before its reply ended: its late parts are not pushed. */
  abandoned(requestId: string): void {
    this.#abandoned.add(requestId);
    if (this.#abandoned.size > REMEMBERED_ABANDONED) {
      const [oldest] = this.#abandoned;
      if (oldest !== undefined) this.#abandoned.delete(oldest);
    }
  }

  /** End every listener's stream (the box is stopping). */
  close(): void {
    for (const listeners of [...this.#listeners.values()]) {
      for (const listener of [...listeners]) {
        this.#remove(listener);
        try {
          listener.controller.close();
        } catch {
          // already closed by its client
        }
      }
    }
  }

  #remove(listener: Listener): void {
    const listeners = this.#listeners.get(listener.conversation);
    if (listeners?.delete(listener) !== true) return;
    this.#count -= 1;
    if (listeners.size === 0) this.#listeners.delete(listener.conversation);
    if (this.#count === 0 && this.#keepAlive !== undefined) {
      clearInterval(this.#keepAlive);
      this.#keepAlive = undefined;
    }
  }

  #ping(): void {
    for (const listeners of [...this.#listeners.values()])
      for (const listener of [...listeners]) this.#send(listener, KEEP_ALIVE);
  }

  /** Enqueue on the listener's stream; one its client closed meanwhile is dropped. */
  #send(listener: Listener, bytes: Uint8Array): void {
    try {
      listener.controller.enqueue(bytes);
    } catch {
      this.#remove(listener);
    }
  }
}
