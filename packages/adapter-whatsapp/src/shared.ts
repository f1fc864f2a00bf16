import type { AdapterLimits, Button } from '@switchboard/core';

/** What a voice note, an image or other media gets: a polite answer, never a crash. */
export const TEXT_ONLY = 'Sorry, I can only read text messages for now. Please type your question instead.';

/** WhatsApp's longest text message. */
export const MAX_TEXT_LENGTH = 4096;

/** The typing indicator lasts 25 s; renewing it every 20 s keeps it visible while the model works. */
export const TYPING_REFRESH_MS = 20_000;

/** The limits both transports share: no edits, 4,096 characters, typing renewed every 20 s. */
export function whatsappLimits(maxButtons: number, progressMs: number): AdapterLimits {
  return {
    maxLength: MAX_TEXT_LENGTH,
    minEditIntervalMs: 0,
    canEdit: false,
    maxButtons,
    typingIntervalMs: TYPING_REFRESH_MS,
    ...(progressMs > 0 ? { progressIntervalMs: progressMs } : {}),
  };
}

/** A button's id and value in one string, `<id>:<value>` (the approval codec's value keeps its colons). */
export function encodeButton(button: Pick<Button, 'id' | 'value'>): string {
  return `${button.id}:${button.value}`;
}

/** The id and value a button reply carried, or undefined for one the box did not make. */
export function decodeButton(reply: string): { readonly id: string; readonly value: string } | undefined {
  const separator = reply.indexOf(':');
  if (separator <= 0 || separator === reply.length - 1) return undefined;
  return { id: reply.slice(0, separator), value: reply.slice(separator + 1) };
}
