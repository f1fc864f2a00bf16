/** A bounded set of recently seen ids (oldest forgotten first), for deduplicating gateway replays. */
export class RecentIds {
  readonly #ids = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  /** True when `id` was seen before; remembers it otherwise. */
  seen(id: string): boolean {
    if (this.#ids.has(id)) return true;
    this.#ids.add(id);
    if (this.#ids.size > this.capacity) this.#ids.delete(this.#ids.values().next().value as string);
    return false;
  }
}
