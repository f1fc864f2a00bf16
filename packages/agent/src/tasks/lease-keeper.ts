import { describeErrorBriefly, type Logger } from '@switchboard/core';
import type { Lease, TaskLifecycleStore } from '@switchboard/memory';
import type { PendingEndings } from './endings';

/**
 * Keeps this process's leases alive: every third of the lease it ends the tasks whose ending waited for
 * the database, then extends every lease the process holds — one statement for all its tasks, never a
 * write per task or per token.
 */
export class LeaseKeeper {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly store: TaskLifecycleStore,
    private readonly lease: Lease,
    private readonly endings: PendingEndings,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.lease.ms / 3)));
    this.#timer.unref();
  }

  /** One round: pending endings, then renewals. Never rejects; never runs twice at once. */
  tick(): Promise<void> {
    this.#running ??= this.#round().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #round(): Promise<void> {
    if (this.endings.size > 0) await this.endings.flush(this.store);
    try {
      await this.store.renewLeases(this.lease);
    } catch (error) {
      this.logger.warn({ err: describeErrorBriefly(error) }, 'could not renew task leases');
    }
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
