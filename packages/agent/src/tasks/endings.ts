import { describeErrorBriefly, type Logger } from '@switchboard/core';
import type { TaskEnd, TaskLifecycleStore } from '@switchboard/memory';

/** How many endings wait for the database at most; the oldest is dropped (and logged) beyond it. */
const MAX_PENDING = 10_000;

/**
 * Task endings the database refused (an outage): the user was already told; the task is ended as soon
 * as the database answers again, by {@link PendingEndings.flush} (the lease keeper calls it).
 */
export class PendingEndings {
  readonly #pending = new Map<string, TaskEnd>();

  constructor(private readonly logger: Logger) {}

  add(taskId: string, end: TaskEnd): void {
    this.#pending.set(taskId, end);
    if (this.#pending.size > MAX_PENDING) {
      const oldest = this.#pending.keys().next().value;
      if (oldest !== undefined) {
        this.#pending.delete(oldest);
        this.logger.error({ taskId: oldest }, 'too many task endings wait for the database; one was dropped');
      }
    }
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Try every waiting ending once; those that fail again keep waiting. */
  async flush(store: TaskLifecycleStore): Promise<void> {
    for (const [taskId, end] of [...this.#pending]) {
      try {
        await store.finishTask(taskId, end);
        this.#pending.delete(taskId);
        this.logger.info({ taskId, status: end.status }, 'task ended once the database answered again');
      } catch (error) {
        this.logger.warn({ err: describeErrorBriefly(error) }, 'the database still refuses task endings');
        return;
      }
    }
  }
}
