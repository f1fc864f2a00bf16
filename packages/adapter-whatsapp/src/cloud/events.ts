import { type InboundEvent, parseCommand } from '@switchboard/core';
import { decodeButton } from '../shared';
import { toCloudAddress } from './address';
import type { InboundItem } from './parse';

/** `whatsapp:<wamid>`: the same on every redelivery, so the durable dedupe catches retries days later. */
export const eventIdFor = (messageId: string): string => `whatsapp:${messageId}`;

/**
 * The bus event for a text message or a button press, or undefined for anything else. Every chat with
 * a business number is one-to-one, so plain text is a request (`/ask`); `/word …` is a command.
 */
export function cloudEvent(item: InboundItem, receivedAt: Date): InboundEvent | undefined {
  const base = {
    id: eventIdFor(item.id),
    conversation: {
      platform: 'whatsapp' as const,
      account: item.phoneNumberId,
      channel: item.from,
      direct: true,
    },
    author: { platformUserId: item.from, displayName: item.name ?? item.from },
    reply: toCloudAddress({ waId: item.from, messageId: item.id, wroteAt: item.sentAt }),
    receivedAt: receivedAt.toISOString(),
  };
  const { content } = item;
  if (content.kind === 'text') {
    const command = parseCommand(content.text, { direct: true });
    if (command === undefined) return undefined;
    return {
      ...base,
      kind: content.text.trim().startsWith('/') ? 'command' : 'message',
      text: content.text,
      command,
    };
  }
  if (content.kind === 'button') {
    const action = decodeButton(content.id);
    if (action === undefined) return undefined;
    return { ...base, kind: 'action', text: content.title, action };
  }
  return undefined;
}
