import { createHash } from 'node:crypto';
import type { ActionInvocation, Button } from '@switchboard/core';

/** Telegram's limit on `callback_data`, in bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;

/** Remembered long button payloads, by their short reference. */
const REFERENCE_PREFIX = '~';

/**
 * Encodes buttons into `callback_data` (at most 64 bytes): `<id>:<value>` when it fits, which is
 * stateless and survives restarts (an approval's `approval:<uuid>:<choice>` does); otherwise a short
 * hash reference to the payload kept in memory (bounded), which a restart forgets — the press then
 * reads as an expired button.
 */
export class CallbackData {
  readonly #long = new Map<string, ActionInvocation>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  encode(button: Pick<Button, 'id' | 'value'>): string {
    const direct = `${button.id}:${button.value}`;
    if (
      !button.id.includes(':') &&
      !button.id.startsWith(REFERENCE_PREFIX) &&
      button.id.length > 0 &&
      Buffer.byteLength(direct) <= MAX_CALLBACK_DATA_BYTES
    ) {
      return direct;
    }
    const reference = `${REFERENCE_PREFIX}${createHash('sha256').update(direct).digest('base64url').slice(0, 32)}`;
    this.#long.delete(reference);
    this.#long.set(reference, { id: button.id, value: button.value });
    if (this.#long.size > this.#capacity) {
      const oldest = this.#long.keys().next().value;
      if (oldest !== undefined) this.#long.delete(oldest);
    }
    return reference;
  }

  /** The button a press carried; `{ id: 'expired' }` for a reference this process no longer knows. */
  decode(data: string): ActionInvocation {
    if (data.startsWith(REFERENCE_PREFIX)) return this.#long.get(data) ?? { id: 'expired', value: '' };
    const separator = data.indexOf(':');
    if (separator <= 0) return { id: data, value: '' };
    return { id: data.slice(0, separator), value: data.slice(separator + 1) };
  }
}
