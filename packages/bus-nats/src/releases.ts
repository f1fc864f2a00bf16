import type { KV } from '@nats-io/kv';
import { eventKey } from './names';

/** What the ledger holds for one event. */
export interface LedgerEntry {
  /** Deliveries handed back without running the handler. */
  readonly released: number;
  /** Runs whose handler rejected (the event was nak'ed to be tried again). */
  readonly failed: number;
}

const EMPTY: LedgerEntry = { released: 0, failed: 0 };

/**
 * Counts, per event, what JetStream's delivery count cannot tell apart: the deliveries a worker handed
 * back without running the handler (it was unsubscribing, shutting down, or had no free slot when the
 * event's turn came) and the runs whose handler failed. The bus subtracts the first from the delivery
 * count, so `Job.attempt` counts only deliveries that could have run the handler; of those, the ones
 * neither failed nor answered were interrupted (their worker vanished), and are limited apart (ADR 0047).
 * Stored as `released` or `released:failed` under the event's key; written only on those rare paths.
 */
export class ReleaseLedger {
  readonly #kv: KV;

  constructor(kv: KV) {
    this.#kv = kv;
  }

  /** Deliveries of `eventId` handed back unrun so far. */
  async count(eventId: string): Promise<number> {
    return (await this.read(eventId)).released;
  }

  /** Everything recorded for `eventId`. */
  async read(eventId: string): Promise<LedgerEntry> {
    const entry = await this.#kv.get(eventKey(eventId));
    if (entry === null || entry.operation !== 'PUT') return EMPTY;
    return parseEntry(entry.string());
  }

  /** Record one more unrun delivery (compare-and-set, so concurrent writers never lose a count). */
  async add(eventId: string): Promise<void> {
    await this.#change(eventId, (entry) => ({ ...entry, released: entry.released + 1 }));
  }

  /** Record one more run whose handler failed. */
  async addFailure(eventId: string): Promise<void> {
    await this.#change(eventId, (entry) => ({ ...entry, failed: entry.failed + 1 }));
  }

  /** Forget the event (it left the queue). */
  async forget(eventId: string): Promise<void> {
    await this.#kv.purge(eventKey(eventId));
  }

  async #change(eventId: string, next: (entry: LedgerEntry) => LedgerEntry): Promise<void> {
    const key = eventKey(eventId);
    for (let tries = 0; ; tries += 1) {
      const entry = await this.#kv.get(key);
      try {
        if (entry === null || entry.operation !== 'PUT') {
          await this.#kv.create(key, formatEntry(next(EMPTY)));
        } else {
          await this.#kv.update(key, formatEntry(next(parseEntry(entry.string()))), entry.revision);
        }
        return;
      } catch (error) {
        if (tries >= 4 || !/wrong last sequence|key exists/i.test(String(error))) throw error;
      }
    }
  }
}

function parseEntry(text: string): LedgerEntry {
  const [released, failed] = text.split(':').map((part) => Number.parseInt(part, 10));
  const count = (value: number | undefined) =>
    value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
  return { released: count(released), failed: count(failed) };
}

function formatEntry(entry: LedgerEntry): string {
  return entry.failed === 0 ? String(entry.released) : `${entry.released}:${entry.failed}`;
}
