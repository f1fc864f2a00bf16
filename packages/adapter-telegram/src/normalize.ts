import { type CommandInvocation, type InboundEvent, isCommandName, parseCommand } from '@switchboard/core';
import { toAddress } from './address';
import type { CallbackData } from './callback-data';

/** Who the bot is (from getMe): needed to recognise mentions, replies and commands addressed to it. */
export interface BotIdentity {
  readonly id: number;
  readonly username: string;
}

/** What an update becomes: one event for the bus, or a reason it is not for the box. */
export type Ingress =
  | {
      readonly kind: 'event';
      readonly event: InboundEvent;
      readonly updateId: number;
      readonly chatId: number;
      readonly chatType: string;
      /** Set for button presses: answered with answerCallbackQuery once the event is on the bus. */
      readonly callbackQueryId?: string;
    }
  | {
      readonly kind: 'ignored';
      readonly reason: string;
      readonly updateId?: number;
      readonly callbackQueryId?: string;
    };

type Json = Record<string, unknown>;

const object = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const integer = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
const string = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The longest text of the button's message kept to show above the decision. */
const ORIGINAL_LIMIT = 3000;

/** The draft id native streaming uses for the request of `updateId`: non-zero, fits in 32 bits. */
export function draftIdFor(updateId: number): number {
  return (Math.abs(updateId) % 2_147_483_646) + 1;
}

/** `telegram:<bot id>:<update_id>` — the same on every redelivery of the update. */
export function eventIdFor(botId: number, updateId: number): string {
  return `telegram:${botId}:${updateId}`;
}

interface Entity {
  readonly type: string;
  readonly offset: number;
  readonly length: number;
  readonly userId?: number;
}

function entitiesOf(message: Json, text: string): Entity[] {
  const raw = message['entities'];
  if (!Array.isArray(raw)) return [];
  const entities: Entity[] = [];
  for (const item of raw as unknown[]) {
    const entity = object(item);
    const type = string(entity?.['type']);
    const offset = integer(entity?.['offset']);
    const length = integer(entity?.['length']);
    if (type === undefined || offset === undefined || length === undefined) continue;
    if (offset < 0 || length <= 0 || offset + length > text.length) continue;
    const userId = integer(object(entity?.['user'])?.['id']);
    entities.push({ type, offset, length, ...(userId !== undefined ? { userId } : {}) });
  }
  return entities;
}

function displayName(user: Json, id: number): string {
  const name = [string(user['first_name']), string(user['last_name'])]
    .filter((part) => part !== undefined && part.trim() !== '')
    .join(' ');
  const username = string(user['username']);
  const chosen = name.trim() !== '' ? name.trim() : username !== undefined ? `@${username}` : `user ${id}`;
  return chosen.length > 64 ? `${chosen.slice(0, 63)}…` : chosen;
}

/**
 * Turn one update into an event, or say why it is not for the box. Total: any JSON value is accepted
 * and nothing throws. Private chats: every text is a request. Groups: commands (for this bot), messages
 * mentioning the bot, and replies to the bot's messages; everything else is ignored.
 */
export function normalizeUpdate(
  update: unknown,
  bot: BotIdentity,
  callbackData: CallbackData,
  receivedAt = new Date(),
): Ingress {
  const body = object(update);
  const updateId = integer(body?.['update_id']);
  if (body === undefined || updateId === undefined || updateId < 0)
    return { kind: 'ignored', reason: 'no update_id' };
  const message = object(body['message']);
  if (message !== undefined) return normalizeMessage(message, updateId, bot, receivedAt);
  const query = object(body['callback_query']);
  if (query !== undefined) return normalizeCallback(query, updateId, bot, callbackData, receivedAt);
  const kind = Object.keys(body).find((key) => key !== 'update_id') ?? 'empty';
  return { kind: 'ignored', reason: `unsupported update (${kind.slice(0, 40)})`, updateId };
}

function normalizeMessage(message: Json, updateId: number, bot: BotIdentity, receivedAt: Date): Ingress {
  const ignored = (reason: string): Ingress => ({ kind: 'ignored', reason, updateId });
  const chat = object(message['chat']);
  const chatId = integer(chat?.['id']);
  const chatType = string(chat?.['type']);
  const from = object(message['from']);
  const fromId = integer(from?.['id']);
  const text = string(message['text']);
  if (chat === undefined || chatId === undefined || chatType === undefined) return ignored('no chat');
  if (from === undefined || fromId === undefined) return ignored('no author');
  if (from['is_bot'] === true) return ignored('sent by a bot');
  if (text === undefined) return ignored('not a text message');
  if (chatType !== 'private' && chatType !== 'group' && chatType !== 'supergroup')
    return ignored(`chat type ${chatType.slice(0, 20)}`);
  const direct = chatType === 'private';
  const entities = entitiesOf(message, text);
  const leading = entities.find((entity) => entity.type === 'bot_command' && entity.offset === 0);
  let command: CommandInvocation | undefined;
  if (direct) {
    command = parseCommand(text, { direct: true, botUsername: bot.username });
  } else {
    command = groupCommand(message, text, entities, leading, bot);
    if (command === undefined) return ignored('group message not addressed to the bot');
  }
  if (command === undefined) return ignored('empty message');
  const messageId = integer(message['message_id']);
  const threadId = message['is_topic_message'] === true ? integer(message['message_thread_id']) : undefined;
  const id = eventIdFor(bot.id, updateId);
  const event: InboundEvent = {
    id,
    kind: leading !== undefined ? 'command' : 'message',
    conversation: {
      platform: 'telegram',
      account: String(bot.id),
      channel: String(chatId),
      ...(threadId !== undefined ? { thread: String(threadId) } : {}),
      direct,
    },
    author: { platformUserId: String(fromId), displayName: displayName(from, fromId) },
    text,
    command,
    reply: toAddress({
      chatId,
      chatType,
      ...(!direct && messageId !== undefined ? { replyTo: messageId } : {}),
      ...(messageId !== undefined ? { asked: messageId } : {}),
      ...(threadId !== undefined ? { threadId } : {}),
      ...(direct ? { draftId: draftIdFor(updateId) } : {}),
    }),
    receivedAt: receivedAt.toISOString(),
  };
  return { kind: 'event', event, updateId, chatId, chatType };
}

/** In a group: the request a message makes of this bot, or undefined when it is not addressed to it. */
function groupCommand(
  message: Json,
  text: string,
  entities: readonly Entity[],
  leading: Entity | undefined,
  bot: BotIdentity,
): CommandInvocation | undefined {
  if (leading !== undefined) {
    const word = text.slice(1, leading.length);
    const [name = '', addressee] = word.split('@');
    if (addressee !== undefined && addressee.toLowerCase() !== bot.username.toLowerCase()) return undefined;
    // Without @bot, a command is ours only when we know it: groups may hold other bots.
    if (addressee === undefined && !isCommandName(name.toLowerCase())) return undefined;
    return parseCommand(text, { direct: false, botUsername: bot.username });
  }
  const handle = `@${bot.username}`.toLowerCase();
  const mentions = entities.filter(
    (entity) =>
      (entity.type === 'mention' &&
        text.slice(entity.offset, entity.offset + entity.length).toLowerCase() === handle) ||
      (entity.type === 'text_mention' && entity.userId === bot.id),
  );
  if (mentions.length > 0) {
    let stripped = text;
    for (const mention of [...mentions].sort((a, b) => b.offset - a.offset)) {
      stripped = `${stripped.slice(0, mention.offset)}${stripped.slice(mention.offset + mention.length)}`;
    }
    stripped = stripped.replace(/^[\s,:;]+/, '').trim();
    return parseCommand(stripped, { direct: true, botUsername: bot.username }) ?? { name: 'ask', args: '' };
  }
  const repliedTo = object(object(message['reply_to_message'])?.['from']);
  if (integer(repliedTo?.['id']) === bot.id)
    return parseCommand(text, { direct: true, botUsername: bot.username }) ?? { name: 'ask', args: '' };
  return undefined;
}

function normalizeCallback(
  query: Json,
  updateId: number,
  bot: BotIdentity,
  callbackData: CallbackData,
  receivedAt: Date,
): Ingress {
  const callbackQueryId = string(query['id']);
  const ignored = (reason: string): Ingress => ({
    kind: 'ignored',
    reason,
    updateId,
    ...(callbackQueryId !== undefined && callbackQueryId !== '' ? { callbackQueryId } : {}),
  });
  if (callbackQueryId === undefined || callbackQueryId === '') return ignored('callback query without id');
  const from = object(query['from']);
  const fromId = integer(from?.['id']);
  const data = string(query['data']);
  const message = object(query['message']);
  const chat = object(message?.['chat']);
  const chatId = integer(chat?.['id']);
  const chatType = string(chat?.['type']) ?? 'private';
  const messageId = integer(message?.['message_id']);
  if (from === undefined || fromId === undefined) return ignored('callback query without author');
  if (data === undefined || data === '') return ignored('callback query without data');
  if (message === undefined || chatId === undefined || messageId === undefined)
    return ignored('callback query without message');
  const threadId = message['is_topic_message'] === true ? integer(message['message_thread_id']) : undefined;
  const original = string(message['text']);
  const id = eventIdFor(bot.id, updateId);
  const event: InboundEvent = {
    id,
    kind: 'action',
    conversation: {
      platform: 'telegram',
      account: String(bot.id),
      channel: String(chatId),
      ...(threadId !== undefined ? { thread: String(threadId) } : {}),
      direct: chatType === 'private',
    },
    author: { platformUserId: String(fromId), displayName: displayName(from, fromId) },
    text: data,
    action: callbackData.decode(data),
    reply: toAddress({
      chatId,
      chatType,
      editMessageId: messageId,
      key: id,
      ...(threadId !== undefined ? { threadId } : {}),
      ...(original !== undefined ? { original: original.slice(0, ORIGINAL_LIMIT) } : {}),
    }),
    receivedAt: receivedAt.toISOString(),
  };
  return { kind: 'event', event, updateId, chatId, chatType, callbackQueryId };
}
