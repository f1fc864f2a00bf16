import { deferred, raceAbort, sleep } from '@switchboard/core';

/** Time, injectable so tests can run the limiter on a virtual clock. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock (monotonic). */
export const systemClock: Clock = { now: () => performance.now(), sleep };

/** Telegram's pace, per chat. */
export interface LimiterOptions {
  /** The shortest gap between two edits (or drafts) in one chat, from the end of one to the start of the next. */
  readonly editIntervalMs: number;
  /** New messages allowed per group in any 60 seconds. */
  readonly groupMessagesPerMinute: number;
  readonly clock?: Clock;
}

interface ChatPace {
  /** Resolves when the chat's last queued edit has finished. */
  tail: Promise<void>;
  editReadyAt: number;
  blockedUntil: number;
  /** Start times of the messages sent in the last minute (groups). */
  readonly sends: number[];
  active: number;
  lastUsed: number;
}

const WINDOW_MS = 60_000;
const IDLE_MS = 5 * 60_000;

/**
 * Keeps each chat within Telegram's limits across every request in it — the delivery engine paces one
 * request, this paces the chat: edits (and drafts) one at a time, each `editIntervalMs` after the
 * previous one finished (so they also arrive at least that far apart); at most
 * `groupMessagesPerMinute` new messages per group per minute; and after a 429 nothing goes to that chat
 * until its `retry_after` has passed. Other chats are never held up.
 */
export class ChatLimiter {
  readonly #options: LimiterOptions;
  readonly #clock: Clock;
  readonly #chats = new Map<number, ChatPace>();
  #operations = 0;

  constructor(options: LimiterOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Run an edit or draft in `chatId` when the chat's pace allows. */
  async edit<T>(chatId: number, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.admitEdit(chatId, signal);
    try {
      return await call();
    } finally {
      release();
    }
  }

  /**
   * Wait for `chatId`'s edit slot: the chat's earlier edits finished, `editIntervalMs` since the last
   * one, and no 429 hold. The slot is the caller's until it calls the returned `release` (exactly once),
   * which starts the next interval.
   */
  async admitEdit(chatId: number, signal?: AbortSignal): Promise<() => void> {
    const chat = this.#pace(chatId);
    const mine = deferred<void>();
    const previous = chat.tail;
    chat.tail = previous.then(() => mine.promise);
    chat.active += 1;
    const release = () => {
      chat.editReadyAt = this.#clock.now() + this.#options.editIntervalMs;
      mine.resolve();
      this.#release(chat);
    };
    try {
      await raceAbort(previous, signal);
      await this.#waitUntil(() => Math.max(chat.editReadyAt, chat.blockedUntil), signal);
    } catch (error) {
      mine.resolve();
      this.#release(chat);
      throw error;
    }
    return release;
  }

  /** Run a new message in `chatId`; in groups, within the per-minute budget. */
  async send<T>(chatId: number, group: boolean, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.admitSend(chatId, group, signal);
    return call();
  }

  /**
   * Wait until a new message may go to `chatId` (no 429 hold; in groups, within the per-minute budget)
   * and count it.
   */
  async admitSend(chatId: number, group: boolean, signal?: AbortSignal): Promise<void> {
    const chat = this.#pace(chatId);
    chat.active += 1;
    try {
      for (;;) {
        const now = this.#clock.now();
        while (chat.sends.length > 0 && (chat.sends[0] ?? 0) <= now - WINDOW_MS) chat.sends.shift();
        let readyAt = chat.blockedUntil;
        if (group && chat.sends.length >= this.#options.groupMessagesPerMinute) {
          readyAt = Math.max(readyAt, (chat.sends[0] ?? now) + WINDOW_MS);
        }
        if (readyAt <= now) {
          if (group) chat.sends.push(now);
          return;
        }
        await this.#clock.sleep(readyAt - now, signal);
      }
    } finally {
      this.#release(chat);
    }
  }

  /** Wait until no 429 holds `chatId` (typing, which no budget counts). */
  async unblocked(chatId: number, signal?: AbortSignal): Promise<void> {
    const chat = this.#pace(chatId);
    await this.#waitUntil(() => chat.blockedUntil, signal);
  }

  /** Telegram asked to wait `ms` before the next call to this chat (a 429's retry_after). */
  hold(chatId: number, ms: number): void {
    const chat = this.#pace(chatId);
    chat.blockedUntil = Math.max(chat.blockedUntil, this.#clock.now() + ms);
  }

  /** True when an edit in `chatId` could start now without waiting. */
  editIdle(chatId: number): boolean {
    const chat = this.#chats.get(chatId);
    if (chat === undefined) return true;
    const now = this.#clock.now();
    return chat.active === 0 && chat.editReadyAt <= now && chat.blockedUntil <= now;
  }

  /** How many chats the limiter tracks (idle ones are forgotten). */
  get size(): number {
    return this.#chats.size;
  }

  async #waitUntil(readyAt: () => number, signal: AbortSignal | undefined): Promise<void> {
    for (let wait = readyAt() - this.#clock.now(); wait > 0; wait = readyAt() - this.#clock.now()) {
      await this.#clock.sleep(Math.ceil(wait), signal);
    }
  }

  #pace(chatId: number): ChatPace {
    this.#operations += 1;
    if (this.#operations % 256 === 0) this.#sweep();
    let chat = this.#chats.get(chatId);
    if (chat === undefined) {
      chat = {
        tail: Promise.resolve(),
        editReadyAt: 0,
        blockedUntil: 0,
        sends: [],
        active: 0,
        lastUsed: this.#clock.now(),
      };
      this.#chats.set(chatId, chat);
    }
    return chat;
  }

  #release(chat: ChatPace): void {
    chat.active -= 1;
    chat.lastUsed = this.#clock.now();
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const [id, chat] of this.#chats) {
      const quiet = chat.active === 0 && now - chat.lastUsed > IDLE_MS && chat.blockedUntil < now;
      if (quiet && (chat.sends.at(-1) ?? 0) <= now - WINDOW_MS) this.#chats.delete(id);
    }
  }
}
