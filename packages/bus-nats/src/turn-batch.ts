/**
 * Starts NATS operations of one event-loop turn together. The NATS client writes what is sent in one
 * synchronous run as one socket write, but each HTTP request or finished task runs in a callback of
 * its own, so under load every publish became its own write — the costliest thing the gateway did
 * (ADR 0050). Operations handed to {@link TurnBatch.run} start together at the end of the turn
 * (`setImmediate`): no timer, so an idle box adds no wait.
 */
export class TurnBatch {
  #pending: (() => void)[] = [];
  #scheduled = false;

  /** Start `operation` with the others of this turn; settles as it does. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push(() => {
        operation().then(resolve, reject);
      });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#start());
      }
    });
  }

  #start(): void {
    this.#scheduled = false;
    const pending = this.#pending;
    this.#pending = [];
    for (const start of pending) start();
  }
}
