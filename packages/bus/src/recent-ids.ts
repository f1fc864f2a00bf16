/**
 * The ids seen most recently, up to `capacity`; the least recently seen id is forgotten first.
 * A `Map` keeps insertion order, so re-inserting an id on a hit moves it to the young end.
 */
export class RecentIds {
  readonly #ids = new Map<string, true>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** True when `id` is remembered; a hit makes it the most recently seen. */
  has(id: string): boolean {
    if (!this.#ids.has(id)) return false;
    this.#ids.delete(id);
    this.#ids.set(id, true);
    return true;
  }

  /** Remember `id`, forgetting the oldest ids beyond the capacity. */
  add(id: string): void {
    this.#ids.delete(id);
    if (this.#capacity === 0) return;
    this.#ids.set(id, true);
    while (this.#ids.size > this.#capacity) {
      const oldest = this.#ids.keys().next();
      if (oldest.done) break;
      this.#ids.delete(oldest.value);
    }
  }

  get size(): number {
    return this.#ids.size;
  }
}
