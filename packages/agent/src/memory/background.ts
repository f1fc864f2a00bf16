/** Work the agent does after answering (rolling summaries), tracked so shutdown and tests can wait for it. */
export class BackgroundWork {
  readonly #pending = new Set<Promise<void>>();

  /** Run `work` without making anyone wait; `onError` hears its failure. */
  start(work: () => Promise<void>, onError: (error: unknown) => void): void {
    const running = work().catch(onError);
    this.#pending.add(running);
    void running.finally(() => this.#pending.delete(running));
  }

  /** Resolves when everything started so far (and whatever that started) has ended. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
