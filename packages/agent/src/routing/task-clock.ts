import { ModelError } from '@switchboard/core';

/**
 * The deadline of one task's model calls (`TASK_DEADLINE_SECONDS`, ADR 0032), shared by every attempt,
 * fallback and cascade call of the task: a stream that keeps trickling is stopped once the task has run
 * this long. Time in a local model's queue (from a `queued` notice to the next part) does not count:
 * waiting for the box's own backlog is not the task running long.
 */
export class TaskClock {
  readonly #deadlineMs: number;
  readonly #now: () => number;
  readonly #startedAt: number;
  #queuedMs = 0;
  #queuedSince: number | undefined;

  constructor(deadlineMs: number, now: () => number) {
    this.#deadlineMs = deadlineMs;
    this.#now = now;
    this.#startedAt = now();
  }

  /** A `queued` notice: the deadline is paused until the next part. */
  queued(): void {
    this.#queuedSince ??= this.#now();
  }

  /** A part other than `queued` arrived, or the attempt ended: the queue wait, if any, is over. */
  moving(): void {
    if (this.#queuedSince === undefined) return;
    this.#queuedMs += this.#now() - this.#queuedSince;
    this.#queuedSince = undefined;
  }

  /** True while a local model has the task waiting in its queue. */
  get isQueued(): boolean {
    return this.#queuedSince !== undefined;
  }

  /** Milliseconds until the deadline (0 once passed); frozen while queued. */
  leftMs(): number {
    const at = this.#queuedSince ?? this.#now();
    return Math.max(0, this.#startedAt + this.#deadlineMs + this.#queuedMs - at);
  }

  /** The error a task stopped at its deadline ends with. */
  deadlineError(provider: string): ModelError {
    const seconds = Math.round(this.#deadlineMs / 1000);
    return new ModelError({
      code: 'task_deadline',
      message: `The answer was stopped at the task deadline of ${seconds} s (TASK_DEADLINE_SECONDS). Ask for something shorter, or raise TASK_DEADLINE_SECONDS.`,
      provider,
      retryable: false,
    });
  }
}
