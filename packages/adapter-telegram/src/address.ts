import { type JsonValue, PlatformError, type ReplyAddress, type SentMessage } from '@switchboard/core';

/** Where and how to answer in Telegram; the JSON inside a {@link ReplyAddress}. */
export interface TelegramTarget {
  readonly chatId: number;
  /** `private`, `group`, `supergroup` (or `channel`). */
  readonly chatType: string;
  /** The user's message to quote in groups, so it is clear whom the bot answers. */
  readonly replyTo?: number;
  /**
   * The user's message that made the request. The bot's messages for it come after it in the chat's id
   * sequence, which recovery probes for a message a crash left unrecorded (ADR 0049).
   */
  readonly asked?: number;
  /** The forum topic the conversation lives in. */
  readonly threadId?: number;
  /** The draft id native streaming animates (private chats), unique per request. */
  readonly draftId?: number;
  /** A button press: the message carrying the button, which the reply replaces in place. */
  readonly editMessageId?: number;
  /** The text of that message, kept above the decision when it is edited. */
  readonly original?: string;
  /** Identifies the request, so only its first post replaces the button message. */
  readonly key?: string;
}

const integer = (value: JsonValue | undefined) =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;

/** Pack a target into a JSON {@link ReplyAddress}. */
export function toAddress(target: TelegramTarget): ReplyAddress {
  const data: Record<string, JsonValue> = { chatId: target.chatId, chatType: target.chatType };
  if (target.replyTo !== undefined) data['replyTo'] = target.replyTo;
  if (target.asked !== undefined) data['asked'] = target.asked;
  if (target.threadId !== undefined) data['threadId'] = target.threadId;
  if (target.draftId !== undefined) data['draftId'] = target.draftId;
  if (target.editMessageId !== undefined) data['editMessageId'] = target.editMessageId;
  if (target.original !== undefined) data['original'] = target.original;
  if (target.key !== undefined) data['key'] = target.key;
  return { platform: 'telegram', data };
}

/** Read a target back; a malformed address is a clear, non-retryable error. */
export function fromAddress(address: ReplyAddress, method: string): TelegramTarget {
  const { data } = address;
  const chatId = integer(data['chatId']);
  if (address.platform !== 'telegram' || chatId === undefined) {
    throw new PlatformError({
      code: 'bad_address',
      method,
      message: 'This reply address is not a Telegram chat.',
      retryable: false,
    });
  }
  const optional = (name: string) => integer(data[name]);
  const original = data['original'];
  const key = data['key'];
  const replyTo = optional('replyTo');
  const asked = optional('asked');
  const threadId = optional('threadId');
  const draftId = optional('draftId');
  const editMessageId = optional('editMessageId');
  return {
    chatId,
    chatType: typeof data['chatType'] === 'string' ? data['chatType'] : 'private',
    ...(replyTo !== undefined ? { replyTo } : {}),
    ...(asked !== undefined ? { asked } : {}),
    ...(threadId !== undefined ? { threadId } : {}),
    ...(draftId !== undefined ? { draftId } : {}),
    ...(editMessageId !== undefined ? { editMessageId } : {}),
    ...(typeof original === 'string' ? { original } : {}),
    ...(typeof key === 'string' ? { key } : {}),
  };
}

/** A posted message, so that it can be edited later. */
export function toSent(address: ReplyAddress, chatId: number, messageId: number): SentMessage {
  return { platform: 'telegram', id: `${chatId}:${messageId}`, address, data: { chatId, messageId } };
}

/** The chat and message of a {@link SentMessage}. */
export function fromSent(
  sent: SentMessage,
  method: string,
): { readonly chatId: number; readonly messageId: number } {
  const chatId = integer(sent.data?.['chatId']);
  const messageId = integer(sent.data?.['messageId']);
  if (sent.platform !== 'telegram' || chatId === undefined || messageId === undefined) {
    throw new PlatformError({
      code: 'bad_address',
      method,
      message: 'This message was not sent by the Telegram adapter.',
      retryable: false,
    });
  }
  return { chatId, messageId };
}

/** True for groups and supergroups, where Telegram allows about 20 messages a minute. */
export const isGroup = (chatType: string) => chatType === 'group' || chatType === 'supergroup';
