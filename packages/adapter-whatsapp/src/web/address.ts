import type { ReplyAddress } from '@switchboard/core';

/** The opaque reply address of a web-mode request: the chat (`…@c.us` or `…@g.us`). */
export function toWebAddress(chatId: string): ReplyAddress {
  return { platform: 'whatsapp', data: { mode: 'web', chatId } };
}

/** The chat back, or undefined when it is not a web-mode WhatsApp address. */
export function fromWebAddress(address: ReplyAddress): string | undefined {
  const { chatId } = address.data;
  if (address.platform !== 'whatsapp' || address.data['mode'] !== 'web' || typeof chatId !== 'string')
    return undefined;
  return chatId;
}
