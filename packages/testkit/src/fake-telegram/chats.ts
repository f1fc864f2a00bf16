import type { TgChat, TgEntity, TgInlineKeyboard, TgMessage, TgUser } from './types';

/** A message the fake keeps, with every text version it had. */
export interface StoredMessage {
  message: TgMessage;
  readonly versions: string[];
  /** The entities and markup of the current version, for "message is not modified". */
  signature: string;
}

/** Chats the fake knows and the messages in them (the bot's and the users'). */
export class ChatStore {
  readonly #chats = new Map<number, TgChat>();
  readonly #messages = new Map<number, StoredMessage[]>();
  readonly #nextId = new Map<number, number>();

  remember(chat: TgChat): void {
    if (!this.#chats.has(chat.id)) this.#chats.set(chat.id, chat);
  }

  chat(id: number): TgChat | undefined {
    return this.#chats.get(id);
  }

  nextMessageId(chatId: number): number {
    const id = (this.#nextId.get(chatId) ?? 0) + 1;
    this.#nextId.set(chatId, id);
    return id;
  }

  /** Store a new message and return it. */
  add(
    chat: TgChat,
    from: TgUser,
    text: string,
    extra: {
      readonly entities?: readonly TgEntity[];
      readonly reply_markup?: TgInlineKeyboard;
      readonly reply_to_message?: TgMessage;
      readonly message_thread_id?: number;
    } = {},
  ): TgMessage {
    this.remember(chat);
    const message: TgMessage = {
      message_id: this.nextMessageId(chat.id),
      from,
      chat,
      date: Math.floor(Date.now() / 1000),
      text,
      ...(extra.entities && extra.entities.length > 0 ? { entities: extra.entities } : {}),
      ...(extra.reply_markup ? { reply_markup: extra.reply_markup } : {}),
      ...(extra.reply_to_message ? { reply_to_message: extra.reply_to_message } : {}),
      ...(extra.message_thread_id !== undefined
        ? { message_thread_id: extra.message_thread_id, is_topic_message: true }
        : {}),
    };
    const list = this.#messages.get(chat.id) ?? [];
    list.push({ message, versions: [text], signature: signatureOf(message) });
    this.#messages.set(chat.id, list);
    return message;
  }

  find(chatId: number, messageId: number): StoredMessage | undefined {
    return this.#messages.get(chatId)?.find((stored) => stored.message.message_id === messageId);
  }

  /** Messages in a chat sent by `authorId`, in order. */
  byAuthor(chatId: number, authorId: number): TgMessage[] {
    return (this.#messages.get(chatId) ?? [])
      .filter((stored) => stored.message.from?.id === authorId)
      .map((stored) => stored.message);
  }
}

/** What must differ for an edit to count as a modification. */
export function signatureOf(message: Pick<TgMessage, 'text' | 'entities' | 'reply_markup'>): string {
  return JSON.stringify([message.text ?? '', message.entities ?? [], message.reply_markup ?? null]);
}
