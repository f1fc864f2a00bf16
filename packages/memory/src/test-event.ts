import { randomUUID } from 'node:crypto';
import type { InboundEvent } from '@switchboard/core';

/** A Telegram message `text` in a direct chat of its own (new ids every call), for the store's tests. */
export function newEvent(text = 'hello'): InboundEvent {
  const channel = `chat-${randomUUID()}`;
  return {
    id: `telegram:${randomUUID()}`,
    kind: 'message',
    conversation: { platform: 'telegram', account: 'bot', channel, direct: true },
    author: { platformUserId: '1', displayName: 'One' },
    text,
    reply: { platform: 'telegram', data: { chatId: channel } },
    receivedAt: new Date().toISOString(),
  };
}
