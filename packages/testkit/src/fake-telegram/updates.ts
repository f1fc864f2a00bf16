/** An update waiting at the fake, as raw JSON, with the id the offset logic uses. */
interface Pending {
  readonly id: number;
  readonly update: Record<string, unknown>;
}

/** What a held `getUpdates` resolves with. */
export type PollOutcome = { readonly updates: Record<string, unknown>[] } | { readonly conflict: true };

interface Waiter {
  readonly resolve: (outcome: PollOutcome) => void;
  readonly offset: number;
  readonly limit: number;
  readonly timer: NodeJS.Timeout;
}

const kindOf = (update: Record<string, unknown>) => Object.keys(update).find((key) => key !== 'update_id');

/**
 * Telegram's update queue: updates stay until confirmed by a `getUpdates` with a higher `offset`;
 * an empty `getUpdates` is held until an update arrives or the timeout passes; a second poll ends the
 * one being held with 409 Conflict, as Telegram does when two bot instances poll.
 */
export class UpdateQueue {
  readonly #pending: Pending[] = [];
  #waiter: Waiter | undefined;
  #confirmed = 0;
  #allowed: readonly string[] = [];
  #closed = false;

  get confirmedOffset(): number {
    return this.#confirmed;
  }

  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Queue an update; releases a held poll at once. */
  add(id: number, update: Record<string, unknown>): void {
    if (this.#closed) return;
    this.#pending.push({ id, update });
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    const ready = this.#select(waiter.offset, waiter.limit);
    if (ready.length === 0) return;
    this.#waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.resolve({ updates: ready });
  }

  /** The updates waiting, in order (webhook delivery reads them). */
  peek(): Record<string, unknown>[] {
    return this.#pending.map((pending) => pending.update);
  }

  /** Forget an update (delivered by webhook). */
  remove(id: number): void {
    const index = this.#pending.findIndex((pending) => pending.id === id);
    if (index >= 0) this.#pending.splice(index, 1);
  }

  /** Forget everything (deleteWebhook / setWebhook with drop_pending_updates). */
  drop(): void {
    this.#pending.length = 0;
  }

  /** One `getUpdates`: confirm below `offset`, answer what is there, or hold up to `holdMs`. */
  poll(
    params: { offset: number; limit: number; holdMs: number; allowed?: readonly string[] },
    onClose: (cancel: () => void) => void,
  ): Promise<PollOutcome> {
    if (params.allowed !== undefined) this.#allowed = params.allowed;
    this.#confirm(params.offset);
    const previous = this.#waiter;
    if (previous) {
      this.#waiter = undefined;
      clearTimeout(previous.timer);
      previous.resolve({ conflict: true });
    }
    const ready = this.#select(params.offset, params.limit);
    if (ready.length > 0 || params.holdMs <= 0 || this.#closed) return Promise.resolve({ updates: ready });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.#waiter?.timer === timer) this.#waiter = undefined;
        resolve({ updates: [] });
      }, params.holdMs);
      const waiter: Waiter = { resolve, offset: params.offset, limit: params.limit, timer };
      this.#waiter = waiter;
      onClose(() => {
        if (this.#waiter !== waiter) return;
        this.#waiter = undefined;
        clearTimeout(timer);
        resolve({ updates: [] });
      });
    });
  }

  /** Release a held poll and refuse to hold again (the server is closing). */
  close(): void {
    this.#closed = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve({ updates: [] });
    }
  }

  #confirm(offset: number): void {
    if (offset > 0) {
      const kept = this.#pending.filter((pending) => pending.id >= offset);
      this.#pending.splice(0, this.#pending.length, ...kept);
      this.#confirmed = Math.max(this.#confirmed, offset);
    } else if (offset < 0) {
      const kept = this.#pending.slice(offset);
      const first = kept[0];
      if (first) this.#confirmed = Math.max(this.#confirmed, first.id);
      this.#pending.splice(0, this.#pending.length, ...kept);
    }
  }

  #select(offset: number, limit: number): Record<string, unknown>[] {
    return this.#pending
      .filter((pending) => pending.id >= offset)
      .filter((pending) => {
        const kind = kindOf(pending.update);
        return this.#allowed.length === 0 || kind === undefined || this.#allowed.includes(kind);
      })
      .slice(0, limit)
      .map((pending) => pending.update);
  }
}
