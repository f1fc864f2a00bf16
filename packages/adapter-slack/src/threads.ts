import { BoundedMap } from './lru';

/** What the bot knows about a thread: `anchor` roots carry a slash command's answer; `engaged` threads it answered in. */
export type ThreadRole = 'anchor' | 'engaged';

/**
 * The threads the bot takes part in, so that replies in them reach the agent without a mention, and so
 * that replies under a slash command's anchor message continue the channel's conversation. Kept in
 * memory (bounded); after a restart a thread reply needs a mention again.
 */
export class ThreadMemory {
  readonly #threads = new BoundedMap<string, ThreadRole>(20_000);

  mark(channel: string, threadTs: string, role: ThreadRole): void {
    if (this.#threads.get(`${channel}:${threadTs}`) === 'anchor') return;
    this.#threads.set(`${channel}:${threadTs}`, role);
  }

  role(channel: string, threadTs: string): ThreadRole | undefined {
    return this.#threads.get(`${channel}:${threadTs}`);
  }
}
