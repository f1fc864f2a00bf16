import type { Button } from '@switchboard/core';

/** How long a numbered approval answers to "1", "2", … when nothing newer replaces it. */
export const NUMBERED_APPROVAL_TTL_MS = 15 * 60 * 1000;

interface Binding {
  readonly buttons: readonly Button[];
  readonly expiresAt: number;
}

/**
 * Approvals in web mode, where WhatsApp has no buttons for linked devices: the question ends with
 * "Reply 1 to approve, 2 to deny", and a reply of just that number in the same chat presses the button.
 * One approval per chat is bound at a time (a newer one replaces it); a binding ends when it is used
 * or expires.
 */
export class NumberedApprovals {
  readonly #bindings = new Map<string, Binding>();
  readonly #ttlMs: number;

  constructor(ttlMs = NUMBERED_APPROVAL_TTL_MS) {
    this.#ttlMs = ttlMs;
  }

  /** The text to post: the question and the numbered choices, bound to this chat. */
  bind(chatId: string, text: string, buttons: readonly Button[], now: number): string {
    this.#bindings.set(chatId, { buttons, expiresAt: now + this.#ttlMs });
    const choices = buttons.map((button, index) => `${index + 1} to ${button.label}`);
    const last = choices.pop();
    const list = choices.length === 0 ? (last ?? '') : `${choices.join(', ')} or ${last ?? ''}`;
    return `${text}\n\nReply ${list}.`;
  }

  /** True while an unexpired approval is bound to `chatId`. */
  awaits(chatId: string, now: number): boolean {
    const binding = this.#bindings.get(chatId);
    return binding !== undefined && now < binding.expiresAt;
  }

  /** The button a reply of `body` in `chatId` presses, consuming the binding; undefined for anything else. */
  resolve(chatId: string, body: string, now: number): Button | undefined {
    const match = /^\s*(\d{1,2})\s*$/.exec(body);
    const binding = this.#bindings.get(chatId);
    if (match === null || binding === undefined) return undefined;
    if (now >= binding.expiresAt) {
      this.#bindings.delete(chatId);
      return undefined;
    }
    const button = binding.buttons[Number(match[1]) - 1];
    if (button !== undefined) this.#bindings.delete(chatId);
    return button;
  }
}
