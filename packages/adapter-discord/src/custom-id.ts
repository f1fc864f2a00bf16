import { randomBytes } from 'node:crypto';
import type { Button } from '@switchboard/core';

/** What a button press carries back: the core button's id and value, and who asked for the decision. */
export interface ButtonPayload {
  readonly id: string;
  readonly value: string;
  /** The Discord user whose request produced the button; they (or an admin) may press it. */
  readonly requesterId: string;
}

const PREFIX = 'sb';
const MAX = 100;

/**
 * Encodes button payloads into Discord's 100-character `custom_id`: `sb:<id>:<requester>:<value>`.
 * A payload too long for that is kept in memory under a short key (`sb~<key>`); such a button works
 * until the process restarts.
 */
export class CustomIds {
  readonly #overflow = new Map<string, ButtonPayload>();

  encode(button: Button, requesterId: string): string {
    const direct = `${PREFIX}:${button.id}:${requesterId}:${button.value}`;
    if (direct.length <= MAX && /^[\w-]+$/.test(button.id)) return direct;
    const key = randomBytes(12).toString('base64url');
    this.#overflow.set(key, { id: button.id, value: button.value, requesterId });
    if (this.#overflow.size > 10_000) this.#overflow.delete(this.#overflow.keys().next().value as string);
    return `${PREFIX}~${key}`;
  }

  /** The payload of a pressed button; undefined for buttons this box did not make (or forgot). */
  decode(customId: string): ButtonPayload | undefined {
    if (customId.startsWith(`${PREFIX}~`)) return this.#overflow.get(customId.slice(PREFIX.length + 1));
    const match = /^sb:([\w-]+):(\d{1,20}):([\s\S]+)$/.exec(customId);
    if (match === null) return undefined;
    const [, id = '', requesterId = '', value = ''] = match;
    return { id, value, requesterId };
  }
}
