import type { ReplyAddress } from '@switchboard/core';
import { fromAddress, type TelegramTarget } from './address';
import { classify, toPlatformError } from './errors';
import { markdownToHtml } from './format';
import type { SendContext } from './send';

/** Whether native drafts are used, and what Telegram said about them. */
export interface DraftSupport {
  readonly enabled: boolean;
  /** `false` once the Bot API refused a draft (an older server): post and edit from then on. */
  supported: boolean | undefined;
}

/** Send one draft. Failures are thrown as telegraf raised them. */
export async function sendDraft(
  context: SendContext,
  target: TelegramTarget,
  markdown: string,
  signal?: AbortSignal,
): Promise<void> {
  const base = {
    chat_id: target.chatId,
    draft_id: target.draftId,
    ...(target.threadId !== undefined ? { message_thread_id: target.threadId } : {}),
  };
  if (markdown === '') {
    await context.client.call('sendMessageDraft', { ...base, text: '' }, signal);
    return;
  }
  try {
    await context.client.call(
      'sendMessageDraft',
      { ...base, text: markdownToHtml(markdown), parse_mode: 'HTML' },
      signal,
    );
  } catch (error) {
    if (classify(error) !== 'parse-error') throw error;
    await context.client.call('sendMessageDraft', { ...base, text: markdown }, signal);
  }
}

/**
 * Whether a draft would be sent for `target` now: drafts are on and not refused, the chat is private, it
 * is no button press (its reply edits the button message) and the request has a draft id.
 */
export function draftApplies(support: DraftSupport, target: TelegramTarget): boolean {
  if (!support.enabled || support.supported === false || target.chatType !== 'private') return false;
  return target.editMessageId === undefined && target.draftId !== undefined;
}

/**
 * The adapter's `preview` primitive: the reply's streamed text as a Telegram draft (`sendMessageDraft`,
 * animated), paced by the engine through the adapter's rate gate. Declines (false) where drafts do not apply — groups,
 * button presses (their reply edits the button message), or a Bot API that refused drafts — and turns
 * drafts off for good when the Bot API refuses one. Other failures are thrown as PlatformErrors (a 429
 * carries its retry-after). The delivery engine posts approvals and the final text.
 */
export async function previewDraft(
  context: SendContext,
  support: DraftSupport,
  to: ReplyAddress,
  markdown: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const target = fromAddress(to, 'sendMessageDraft');
  if (!draftApplies(support, target)) return false;
  // The "Thinking…" draft may have just found out that this Bot API has no drafts.
  await context.acks.get(target.chatId);
  if (!draftApplies(support, target)) return false;
  try {
    await sendDraft(context, target, markdown, signal);
    return true;
  } catch (error) {
    const kind = classify(error);
    if (kind === 'unsupported' || kind === 'bad-request' || kind === 'too-long') {
      support.supported = false;
      context.logger.info(
        { chatId: target.chatId, failure: kind },
        'Telegram refused a message draft; replies will be posted and edited',
      );
      return false;
    }
    throw toPlatformError(error, 'sendMessageDraft', context.token);
  }
}
