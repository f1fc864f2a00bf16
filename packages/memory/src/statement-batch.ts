/** An item waiting for its statement, with its caller's promise. */
interface Waiting<Item, Result> {
  readonly item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/**
 * Group commit on the client: items that arrive while the previous batch's statement is in flight (or in
 * the same event-loop turn) go to the database together as one statement — one round trip and one commit
 * for many. A quiet box sends each item alone at the end of its turn. One key appears at most once per
 * batch (a second item for the same key waits for the next), and when a batch of several fails, each of
 * its items is tried alone, so one bad item fails only itself.
 */
export class StatementBatch<Item, Result> {
  readonly #run: (items: readonly Item[]) => Promise<readonly Result[]>;
  readonly #keyOf: (item: Item) => string;
  readonly #maxItems: number;
  #queue: Waiting<Item, Result>[] = [];
  #busy = false;
  #idle: Promise<void> = Promise.resolve();
  #markIdle: () => void = () => {};

  /**
   * @param run sends one statement for the items and returns their results in the same order.
   * @param keyOf the key no batch may hold twice.
   */
  constructor(
    run: (items: readonly Item[]) => Promise<readonly Result[]>,
    keyOf: (item: Item) => string,
    maxItems = 64,
  ) {
    this.#run = run;
    this.#keyOf = keyOf;
    this.#maxItems = maxItems;
  }

  /** Settles with the item's result once the statement that carried it has. */
  add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#busy) {
        this.#busy = true;
        this.#idle = new Promise<void>((resolve) => {
          this.#markIdle = resolve;
        });
        setImmediate(() => void this.#drain());
      }
    });
  }

  /** Resolves once every item added so far has been sent and settled. */
  settled(): Promise<void> {
    return this.#idle;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#take();
      await this.#send(batch);
    }
    this.#busy = false;
    this.#markIdle();
  }

  #take(): Waiting<Item, Result>[] {
    const keys = new Set<string>();
    const batch: Waiting<Item, Result>[] = [];
    const rest: Waiting<Item, Result>[] = [];
    for (const entry of this.#queue) {
      const key = this.#keyOf(entry.item);
      if (batch.length < this.#maxItems && !keys.has(key)) {
        keys.add(key);
        batch.push(entry);
      } else rest.push(entry);
    }
    this.#queue = rest;
    return batch;
  }

  async #send(batch: Waiting<Item, Result>[]): Promise<void> {
    let results: readonly Result[];
    try {
      results = await this.#run(batch.map((entry) => entry.item));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      for (const entry of batch) await this.#send([entry]);
      return;
    }
    for (const [index, entry] of batch.entries()) entry.resolve(results[index] as Result);
  }
}
