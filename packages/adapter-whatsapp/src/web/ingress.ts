import { type Button, type InboundEvent, parseCommand } from '@switchboard/core';
import { toWebAddress } from './address';
import type { WebMessage } from './client';

/** What the adapter needs to read a message. */
export interface IngressRules {
  /** The linked account's own number. */
  readonly me: string;
  /** Numbers that may command the box besides the owner's own chat. */
  readonly admitted: ReadonlySet<string>;
  /** In groups, a request starts with this word. */
  readonly groupPrefix: string;
  /** True when a numbered approval waits in `chatId`: a bare number there needs no prefix. */
  readonly awaitsNumber?: (chatId: string) => boolean;
}

/** What a message is to the box. */
export type WebIngress =
  /** A request (in the owner's own chat, from an admitted number, or addressed in a group). */
  | {
      readonly kind: 'request';
      readonly chatId: string;
      readonly sender: string;
      readonly text: string;
      readonly direct: boolean;
    }
  /** Media from someone who may use the box: answered "text only for now". */
  | { readonly kind: 'media'; readonly chatId: string }
  /** Not for the box: the owner's own conversations with other people stay private. */
  | { readonly kind: 'ignored'; readonly reason: string };

const numberOf = (jid: string | undefined): string | undefined => {
  const match = /^(\d{5,20})(?::\d+)?@c\.us$/.exec(jid ?? '');
  return match?.[1];
};

const TEXT_TYPES = new Set<string>(['chat']);

/**
 * Read a message the linked account saw. Only the owner's own chat ("message yourself"), one-to-one
 * chats with admitted numbers, and group messages from admitted numbers (or the owner) that start with
 * the group prefix are requests; everything else is ignored without a word, since these are the
 * owner's personal chats.
 */
export function readWebMessage(message: WebMessage, rules: IngressRules): WebIngress {
  // Newer WhatsApp Web versions may address the "message yourself" chat by a LID (`…@lid`): a message
  // from the owner to the same id as it came from is that chat too.
  const selfChat = message.fromMe && (message.to === `${rules.me}@c.us` || message.to === message.from);
  const group = message.from.endsWith('@g.us') || (message.fromMe && message.to.endsWith('@g.us'));
  const chatId = message.fromMe ? message.to : message.from;
  if (chatId === 'status@broadcast') return { kind: 'ignored', reason: 'a status update' };
  const sender = message.fromMe ? rules.me : numberOf(group ? message.author : message.from);
  if (sender === undefined) return { kind: 'ignored', reason: 'a sender without a phone number' };
  if (message.fromMe && !group && !selfChat)
    return { kind: 'ignored', reason: 'the owner writing to someone else' };
  const admitted = sender === rules.me || rules.admitted.has(sender);
  if (!admitted)
    return { kind: 'ignored', reason: group ? 'a group member not admitted' : 'a number not admitted' };
  const text = TEXT_TYPES.has(message.type) && !message.hasMedia ? message.body : undefined;
  if (group) {
    if (text === undefined) return { kind: 'ignored', reason: 'group media' };
    const prefix = rules.groupPrefix.toLowerCase();
    const trimmed = text.trimStart();
    const addressed =
      trimmed.toLowerCase().startsWith(prefix) &&
      (trimmed.length === prefix.length || /\s/.test(trimmed[prefix.length] ?? ''));
    if (!addressed && /^\s*\d{1,2}\s*$/.test(text) && rules.awaitsNumber?.(chatId) === true)
      return { kind: 'request', chatId, sender, text: text.trim(), direct: false };
    if (!addressed) return { kind: 'ignored', reason: 'a group message without the prefix' };
    return { kind: 'request', chatId, sender, text: trimmed.slice(prefix.length).trim(), direct: false };
  }
  if (text === undefined) return { kind: 'media', chatId };
  return { kind: 'request', chatId, sender, text, direct: true };
}

/** The bus event for a request; undefined when the text is empty. `whatsapp:<serialized message id>`. */
export function webEvent(
  request: Extract<WebIngress, { kind: 'request' }>,
  message: WebMessage,
  me: string,
  receivedAt: Date,
): InboundEvent | undefined {
  const command = parseCommand(request.text, { direct: true });
  if (command === undefined) return undefined;
  return {
    id: `whatsapp:${message.id._serialized}`,
    kind: request.text.trim().startsWith('/') ? 'command' : 'message',
    conversation: { platform: 'whatsapp', account: me, channel: request.chatId, direct: request.direct },
    author: { platformUserId: request.sender, displayName: request.sender === me ? 'Owner' : request.sender },
    text: request.text,
    command,
    reply: toWebAddress(request.chatId),
    receivedAt: receivedAt.toISOString(),
  };
}

/** The bus event for a numbered reply that pressed `button` of the chat's waiting approval. */
export function webAction(
  request: Extract<WebIngress, { kind: 'request' }>,
  message: WebMessage,
  me: string,
  receivedAt: Date,
  button: Pick<Button, 'id' | 'value'>,
): InboundEvent {
  return {
    id: `whatsapp:${message.id._serialized}`,
    kind: 'action',
    conversation: { platform: 'whatsapp', account: me, channel: request.chatId, direct: request.direct },
    author: { platformUserId: request.sender, displayName: request.sender === me ? 'Owner' : request.sender },
    text: request.text,
    action: { id: button.id, value: button.value },
    reply: toWebAddress(request.chatId),
    receivedAt: receivedAt.toISOString(),
  };
}
