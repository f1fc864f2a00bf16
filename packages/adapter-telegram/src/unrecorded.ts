import type { SentMessage, UnrecordedQuery } from '@switchboard/core';
import { TelegramError } from 'telegraf';
import { fromAddress, toSent } from './address';
import type { SendContext } from './send';

/** The most ids after the request's message that one recovery probes. */
const MAX_PROBES = 12;
/** Ids in a row that hold no message before probing stops (the chat's newest message was passed). */
const MAX_MISSING = 2;

/** What a chat holds at one message id, as an edit that changes nothing tells it. */
type Probed = 'bot-message' | 'not-the-bots' | 'missing';

/**
 * Ask Telegram about one message id without changing it: `editMessageReplyMarkup` with no markup is
 * "not modified" for a bot message without buttons, "can't be edited" for someone else's, "not found"
 * past the newest. A bot message with buttons loses them — only a message no record knows, which a
 * crash left behind, can be probed.
 */
async function probe(
  context: SendContext,
  chatId: number,
  messageId: number,
  signal?: AbortSignal,
): Promise<Probed> {
  try {
    await context.limiter.edit(
      chatId,
      () => context.client.call('editMessageReplyMarkup', { chat_id: chatId, message_id: messageId }, signal),
      signal,
    );
    return 'bot-message';
  } catch (error) {
    if (!(error instanceof TelegramError) || error.code !== 400) throw error;
    const description = (error.description ?? '').toLowerCase();
    if (description.includes('message is not modified')) return 'bot-message';
    if (description.includes("message can't be edited")) return 'not-the-bots';
    if (description.includes('message to edit not found')) return 'missing';
    throw error;
  }
}

/**
 * The bot's messages a crash left unrecorded for one request (ADR 0049). The Bot API cannot list a chat,
 * but message ids in a chat count up: the request's reply comes after the user's message, so the ids
 * after it that no record claims are probed, up to the chat's newest. Forum topics share one id
 * sequence between conversations, so a topic's request is not probed.
 */
export async function findUnrecorded(
  context: SendContext,
  query: UnrecordedQuery,
  signal?: AbortSignal,
): Promise<SentMessage[]> {
  const target = fromAddress(query.to, 'editMessageReplyMarkup');
  if (target.asked === undefined || target.threadId !== undefined || target.editMessageId !== undefined)
    return [];
  const claimed = new Set([...query.known.map((sent) => sent.id), ...query.others]);
  const found: SentMessage[] = [];
  let missing = 0;
  for (let offset = 1; offset <= MAX_PROBES && missing < MAX_MISSING; offset += 1) {
    const messageId = target.asked + offset;
    const sent = toSent(query.to, target.chatId, messageId);
    if (claimed.has(sent.id)) {
      missing = 0;
      continue;
    }
    const probed = await probe(context, target.chatId, messageId, signal);
    missing = probed === 'missing' ? missing + 1 : 0;
    if (probed === 'bot-message') found.push(sent);
  }
  return found;
}
