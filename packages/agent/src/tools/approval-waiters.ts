/** How a wait for a decision ended: someone decided (read the store for what), or the time ran out. */
export type WaitOutcome = 'decided' | 'expired';

/**
 * The approvals tasks on this worker are waiting for. A decision can be recorded on any worker (the
 * press arrives wherever the bus delivers it); each publishes an `approval-decided` control message,
 * which every worker hands to {@link notify}. The store stays the truth: a woken task reads the decision
 * from there.
 */
export class ApprovalWaiters {
  readonly #waiting = new Map<string, Set<() => void>>();

  /**
   * Wait until {@link notify} is called for `approvalId`, `ttlMs` passes (`expired`), or `signal`
   * aborts (rejects with its reason).
   */
  wait(approvalId: string, ttlMs: number, signal: AbortSignal): Promise<WaitOutcome> {
    return new Promise((resolve, reject) => {
      const waiters = this.#waiting.get(approvalId) ?? new Set<() => void>();
      this.#waiting.set(approvalId, waiters);
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        waiters.delete(wake);
        if (waiters.size === 0) this.#waiting.delete(approvalId);
      };
      const wake = () => {
        done();
        resolve('decided');
      };
      const onAbort = () => {
        done();
        reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
      };
      const timer = setTimeout(() => {
        done();
        resolve('expired');
      }, ttlMs);
      waiters.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
    });
  }

  /** A decision on `approvalId` was recorded somewhere: wake the tasks waiting for it here. */
  notify(approvalId: string): void {
    for (const wake of [...(this.#waiting.get(approvalId) ?? [])]) wake();
  }

  get size(): number {
    return this.#waiting.size;
  }
}
