/**
 * The one dedupe helper adapters share: a bounded set of recently seen ids, the oldest forgotten first
 * once `capacity` is reached (gateway replays, redelivered webhooks, tokens known to be dead).
 */
export class RecentIds {
  readonly #ids = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  /** True when `id` was seen before; remembers it otherwise. */
  seen(id: string): boolean {
    if (this.#ids.has(id)) return true;
    this.add(id);
    return false;
  }

  /** True when `id` is remembered; remembers nothing. */
  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Remember `id` (again: it becomes the newest). */
  add(id: string): void {
    this.#ids.delete(id);
    this.#ids.add(id);
    while (this.#ids.size > this.capacity) {
      const oldest = this.#ids.values().next();
      if (oldest.done === true) break;
      this.#ids.delete(oldest.value);
    }
  }

  get size(): number {
    return this.#ids.size;
  }
}
