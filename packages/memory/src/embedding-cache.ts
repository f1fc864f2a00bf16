/** The embeddings of one recall scope and model, unit length, newest last. */
class ScopedEmbeddings {
  constructor(
    readonly ids: number[],
    readonly vectors: Float32Array[],
    public count: number,
    public maxId: number,
  ) {}

  /** The ids of the `k` embeddings most similar (cosine) to `query`, best first. */
  nearest(query: readonly number[], k: number): number[] {
    const target = unit(query);
    const best: { id: number; similarity: number }[] = [];
    let floor = Number.NEGATIVE_INFINITY;
    for (let index = 0; index < this.vectors.length; index += 1) {
      const vector = this.vectors[index];
      if (vector === undefined || vector.length !== target.length) continue;
      const similarity = dot(vector, target);
      if (best.length >= k && similarity <= floor) continue;
      best.push({ id: this.ids[index] ?? 0, similarity });
      best.sort((a, b) => b.similarity - a.similarity);
      if (best.length > k) best.pop();
      if (best.length >= k) floor = best.at(-1)?.similarity ?? floor;
    }
    return best.map((entry) => entry.id);
  }
}

/**
 * The dot product of two vectors of the same length (the hot loop of exact cosine: four at a time, about
 * twice as fast as one). Every index is below the length, hence `as number` rather than `?? 0` per element.
 */
function dot(a: Float32Array, b: Float32Array): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  const whole = a.length - (a.length % 4);
  let d = 0;
  for (; d < whole; d += 4) {
    sum0 += (a[d] as number) * (b[d] as number);
    sum1 += (a[d + 1] as number) * (b[d + 1] as number);
    sum2 += (a[d + 2] as number) * (b[d + 2] as number);
    sum3 += (a[d + 3] as number) * (b[d + 3] as number);
  }
  for (; d < a.length; d += 1) sum0 += (a[d] as number) * (b[d] as number);
  return sum0 + sum1 + sum2 + sum3;
}

/** `vector` scaled to length 1 (all zeros stay zeros). */
function unit(vector: readonly number[]): Float32Array {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return Float32Array.from(vector, (value) => (norm === 0 ? 0 : value / norm));
}

/** How many scopes stay cached; the least recently used goes first. */
const MAX_SCOPES = 64;

/**
 * Exact cosine without the vector extension, without reading every embedding on every recall: each
 * scope's embeddings stay here, and each recall first asks the database for the scope's count and
 * newest id (`now`: one key lookup in `memory_scope_counts`). Rows added since are read and appended; any other change (a deletion, a merge by
 * `/link`, another process's writes that do not add up) reloads the scope. So the answer is the same as
 * reading them all, from any number of processes.
 */
export class EmbeddingCache {
  readonly #scopes = new Map<string, ScopedEmbeddings>();

  constructor(private readonly limit: number) {}

  /**
   * The scope's cached embeddings as they are, without asking the database whether they are current (the
   * caller checks `count` and `maxId` against the database after; ADR 0046); undefined when not cached.
   */
  peek(key: string): ScopedEmbeddings | undefined {
    const scoped = this.#scopes.get(key);
    return scoped ? this.#keep(key, scoped) : undefined;
  }

  async current(
    key: string,
    now: { readonly count: number; readonly maxId: number },
    readAfter: (afterId: number) => Promise<{ id: number; vector: number[] }[]>,
  ): Promise<ScopedEmbeddings> {
    let scoped = this.#scopes.get(key);
    this.#scopes.delete(key);
    if (scoped && now.count === scoped.count && now.maxId === scoped.maxId) return this.#keep(key, scoped);
    if (scoped && now.count > scoped.count && now.maxId > scoped.maxId) {
      const added = (await readAfter(scoped.maxId)).reverse();
      if (scoped.count + added.length === now.count) {
        for (const row of added) {
          scoped.ids.push(row.id);
          scoped.vectors.push(unit(row.vector));
        }
        scoped.count = now.count;
        scoped.maxId = now.maxId;
        return this.#keep(key, scoped);
      }
    }
    const all = (await readAfter(0)).reverse();
    scoped = new ScopedEmbeddings(
      all.map((row) => row.id),
      all.map((row) => unit(row.vector)),
      now.count,
      now.maxId,
    );
    // A scope larger than the limit is read (its newest `limit`) each time, never kept.
    return now.count > this.limit ? scoped : this.#keep(key, scoped);
  }

  #keep(key: string, scoped: ScopedEmbeddings): ScopedEmbeddings {
    this.#scopes.delete(key);
    this.#scopes.set(key, scoped);
    if (this.#scopes.size > MAX_SCOPES) {
      const oldest = this.#scopes.keys().next().value;
      if (oldest !== undefined) this.#scopes.delete(oldest);
    }
    return scoped;
  }
}
