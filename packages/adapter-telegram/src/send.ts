import type { Button, Logger, OutboundMessage, ReplyAddress, SentMessage } from '@switchboard/core';
import { fromAddress, fromSent, isGroup, type TelegramTarget, toSent } from './address';
import type { CallbackData } from './callback-data';
import type { TelegramClient } from './client';
import { classify, toPlatformError } from './errors';
import { escapeHtml, markdownToHtml, visibleText } from './format';
import type { ChatLimiter } from './limiter';

/** Telegram's limit on a message's text, after entities parsing. */
export const MAX_MESSAGE_LENGTH = 4096;

/** What the egress functions share. */
export interface SendContext {
  readonly client: TelegramClient;
  readonly limiter: ChatLimiter;
  readonly callbacks: CallbackData;
  readonly token: string;
  readonly logger: Logger;
  /** Requests whose first post already replaced their button message. */
  readonly replaced: Set<string>;
  /**
   * The acknowledgement (typing, or the "Thinking…" draft) in flight per chat. Replies wait for it, so
   * it can never land after the answer and linger.
   */
  readonly acks: Map<number, Promise<void>>;
}

interface TgMessageResult {
  readonly message_id: number;
}

/** The inline keyboard for buttons: up to three a row. */
export function keyboard(
  buttons: readonly Button[] | undefined,
  callbacks: CallbackData,
): object | undefined {
  if (buttons === undefined || buttons.length === 0) return undefined;
  const rows: { text: string; callback_data: string }[][] = [];
  for (const [index, button] of buttons.entries()) {
    if (index % 3 === 0) rows.push([]);
    const label = button.label.trim() === '' ? button.value : button.label;
    rows.at(-1)?.push({
      text: label.charAt(0).toUpperCase() + label.slice(1),
      callback_data: callbacks.encode(button),
    });
  }
  return { inline_keyboard: rows };
}

/**
 * Run a call whose text is HTML; when Telegram cannot parse it, send the same words as plain text —
 * the reply is never lost to markup. A 429 surfaces as a PlatformError with `retryAfterMs`, which the
 * delivery engine reports to the adapter's rate gate (the chat is held; other chats are not).
 */
async function withFallback<T>(
  context: SendContext,
  method: string,
  chatId: number,
  payload: Record<string, unknown>,
  plain: string,
  signal: AbortSignal | undefined,
): Promise<T> {
  try {
    try {
      return await context.client.call<T>(method, payload, signal);
    } catch (error) {
      if (classify(error) !== 'parse-error') throw error;
      context.logger.warn({ method, chatId }, 'Telegram could not parse the HTML; sending plain text');
      const { parse_mode: _mode, ...rest } = payload;
      return await context.client.call<T>(method, { ...rest, text: plain }, signal);
    }
  } catch (error) {
    throw toPlatformError(error, method, context.token);
  }
}

/** The HTML and plain forms of a Markdown text. */
export function renderBoth(markdown: string): { readonly html: string; readonly plain: string } {
  return { html: markdownToHtml(markdown), plain: markdown };
}

function threadAndReply(target: TelegramTarget): Record<string, unknown> {
  return {
    ...(target.threadId !== undefined ? { message_thread_id: target.threadId } : {}),
    ...(isGroup(target.chatType) && target.replyTo !== undefined
      ? { reply_parameters: { message_id: target.replyTo, allow_sending_without_reply: true } }
      : {}),
  };
}

/** Send a new message (Markdown text) to a target; the engine's rate gate paced it. */
export async function sendMessage(
  context: SendContext,
  target: TelegramTarget,
  markdown: string,
  buttons: readonly Button[] | undefined,
  signal: AbortSignal | undefined,
): Promise<number> {
  await context.acks.get(target.chatId);
  const { html, plain } = renderBoth(markdown);
  const markup = keyboard(buttons, context.callbacks);
  const payload = {
    chat_id: target.chatId,
    text: html,
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    ...threadAndReply(target),
    ...(markup ? { reply_markup: markup } : {}),
  };
  const sent = await withFallback<TgMessageResult>(
    context,
    'sendMessage',
    target.chatId,
    payload,
    plain,
    signal,
  );
  return sent.message_id;
}

/** Replace a message's text (and buttons; none removes them); "not modified" counts as done. */
export async function editMessageText(
  context: SendContext,
  chatId: number,
  messageId: number,
  rendered: { readonly html: string; readonly plain: string },
  buttons: readonly Button[] | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  const markup = keyboard(buttons, context.callbacks);
  const payload = {
    chat_id: chatId,
    message_id: messageId,
    text: rendered.html,
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    ...(markup ? { reply_markup: markup } : {}),
  };
  try {
    await withFallback(context, 'editMessageText', chatId, payload, rendered.plain, signal);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'not_modified') return;
    throw error;
  }
}

/**
 * The text a button message shows once decided: its original text above the decision, when both fit.
 */
function decided(
  original: string | undefined,
  markdown: string,
): { readonly html: string; readonly plain: string } {
  const { html, plain } = renderBoth(markdown);
  if (original === undefined || original.trim() === '') return { html, plain };
  const length = original.length + 2 + visibleText(html).length;
  if (length > MAX_MESSAGE_LENGTH || original.length + 2 + plain.length > MAX_MESSAGE_LENGTH)
    return { html, plain };
  return { html: `${escapeHtml(original)}\n\n${html}`, plain: `${original}\n\n${plain}` };
}

/**
 * `ChatAdapter.post`. For a button press the first post of the request replaces the button message in
 * place (decision and who made it, buttons removed); everything else is a new message.
 */
export async function post(
  context: SendContext,
  to: ReplyAddress,
  message: OutboundMessage,
  signal?: AbortSignal,
): Promise<SentMessage> {
  const target = fromAddress(to, 'sendMessage');
  if (target.editMessageId !== undefined && target.key !== undefined && !context.replaced.has(target.key)) {
    await editMessageText(
      context,
      target.chatId,
      target.editMessageId,
      decided(target.original, message.text),
      message.buttons,
      signal,
    );
    context.replaced.add(target.key);
    if (context.replaced.size > 10_000) {
      const oldest = context.replaced.values().next().value;
      if (oldest !== undefined) context.replaced.delete(oldest);
    }
    return toSent(to, target.chatId, target.editMessageId);
  }
  const messageId = await sendMessage(context, target, message.text, message.buttons, signal);
  return toSent(to, target.chatId, messageId);
}

/** `ChatAdapter.edit`. */
export async function edit(
  context: SendContext,
  sent: SentMessage,
  message: OutboundMessage,
  signal?: AbortSignal,
): Promise<void> {
  const { chatId, messageId } = fromSent(sent, 'editMessageText');
  await editMessageText(context, chatId, messageId, renderBoth(message.text), message.buttons, signal);
}

/** `ChatAdapter.typing`: best effort, never throws (typing is a courtesy, not a reply). */
export async function typing(context: SendContext, to: ReplyAddress, signal?: AbortSignal): Promise<void> {
  try {
    const target = fromAddress(to, 'sendChatAction');
    await context.client.call(
      'sendChatAction',
      {
        chat_id: target.chatId,
        action: 'typing',
        ...(target.threadId !== undefined ? { message_thread_id: target.threadId } : {}),
      },
      signal,
    );
  } catch (error) {
    context.logger.debug({ method: 'sendChatAction', failure: classify(error) }, 'typing indicator failed');
  }
}
