/**
 * How long one run of the retry loop may wait for first tokens, over all its attempts together (ADR
 * 0032): a provider that never answers uses up its share and the next candidate is tried, so the whole
 * run gives up within the budget instead of after a full first-token timeout per attempt. Only waiting
 * counts: the time after an attempt's first token, and a local model's queue wait, do not.
 */
export class FirstTokenBudget {
  readonly #budgetMs: number;
  readonly #now: () => number;
  #waitedMs = 0;
  #waitingSince: number | undefined;

  constructor(budgetMs: number, now: () => number) {
    this.#budgetMs = budgetMs;
    this.#now = now;
  }

  /** An attempt starts waiting for its first token. */
  startWaiting(): void {
    this.#waitingSince ??= this.#now();
  }

  /** The attempt's first token came, it is queued, or it ended: its wait stops counting. */
  stopWaiting(): void {
    if (this.#waitingSince === undefined) return;
    this.#waitedMs += this.#now() - this.#waitingSince;
    this.#waitingSince = undefined;
  }

  /** Milliseconds of the budget left (0 when spent). */
  leftMs(): number {
    const waiting = this.#waitingSince === undefined ? 0 : this.#now() - this.#waitingSince;
    return Math.max(0, this.#budgetMs - this.#waitedMs - waiting);
  }

  /**
   * The first-token timeout of the next attempt: an equal share of what is left among the attempts
   * that may still come, so a dead first candidate leaves time for its fallbacks; never more than
   * `perAttemptMs`.
   */
  shareMs(perAttemptMs: number, attemptsLeft: number): number {
    return Math.min(perAttemptMs, Math.floor(this.leftMs() / Math.max(1, attemptsLeft)));
  }
}
