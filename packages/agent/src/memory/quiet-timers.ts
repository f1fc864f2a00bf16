/** Runs `run` after `ms`; returns what cancels it. The agent's timers go through one so tests can drive them. */
export type Scheduler = (ms: number, run: () => void) => () => void;

/** `setTimeout`, not holding the process open. */
export const realScheduler: Scheduler = (ms, run) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * One timer per key that each {@link touch} starts again: `run` happens once the key has been quiet
 * for the whole delay (a conversation nobody wrote in for `MEMORY_EXTRACT_IDLE_MINUTES`).
 */
export class QuietTimers {
  readonly #cancels = new Map<string, () => void>();

  constructor(private readonly schedule: Scheduler = realScheduler) {}

  /** (Re)start the key's timer. */
  touch(key: string, ms: number, run: () => void): void {
    this.#cancels.get(key)?.();
    const cancel = this.schedule(ms, () => {
      this.#cancels.delete(key);
      run();
    });
    this.#cancels.set(key, cancel);
  }

  /** How many keys are waiting to go quiet. */
  get size(): number {
    return this.#cancels.size;
  }

  /** Cancel every timer (shutdown). */
  clear(): void {
    for (const cancel of this.#cancels.values()) cancel();
    this.#cancels.clear();
  }
}
