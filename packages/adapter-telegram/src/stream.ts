import { approvalMessages, EMPTY_REPLY_TEXT, planSplit, splitMessage } from '@switchboard/chat';
import {
  type Button,
  deferred,
  PlatformError,
  type ReplyAddress,
  type ReplyPart,
  type SentMessage,
  sleep,
} from '@switchboard/core';
import { fromAddress, type TelegramTarget, toSent } from './address';
import { classify } from './errors';
import { markdownToHtml } from './format';
import { MAX_MESSAGE_LENGTH, type SendContext, sendMessage } from './send';

/** Whether native drafts are used, and what Telegram said about them. */
export interface DraftSupport {
  readonly enabled: boolean;
  /** `false` once the Bot API refused a draft (an older server): post and edit from then on. */
  supported: boolean | undefined;
}

/** Attempts for a message that must arrive (final text, approvals). */
const MAX_ATTEMPTS = 10;

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

/** What a draft shows: the streamed text (its last 4096-character page) and the status, or "Thinking…". */
export function draftText(text: string, status: string | undefined): string {
  const line =
    status === undefined
      ? ''
      : `_${status
          .replace(/[\s_]+/g, ' ')
          .trim()
          .slice(0, 200)}_`;
  if (text.trim() === '') return line;
  const pages = planSplit(text, MAX_MESSAGE_LENGTH);
  const page = (pages.at(-1)?.text ?? '').trimEnd();
  const withStatus = line === '' ? page : `${page}\n\n${line}`;
  return withStatus.length <= MAX_MESSAGE_LENGTH ? withStatus : page;
}

/**
 * Keeps the draft showing the newest text, one draft at a time at the chat's pace (the limiter). Drafts
 * are a preview: a failed one is skipped, never retried as such; a refused one turns drafts off.
 */
class DraftPump {
  readonly #context: SendContext;
  readonly #support: DraftSupport;
  readonly #target: TelegramTarget;
  readonly #signal: AbortSignal | undefined;
  readonly #waiting = new AbortController();
  readonly #running: Promise<void>;
  #wake = deferred<void>();
  #wanted: string | undefined;
  #shown: string | undefined;
  #stopped = false;

  constructor(
    context: SendContext,
    support: DraftSupport,
    target: TelegramTarget,
    signal: AbortSignal | undefined,
  ) {
    this.#context = context;
    this.#support = support;
    this.#target = target;
    this.#signal = signal;
    this.#running = this.#loop();
  }

  show(text: string): void {
    this.#wanted = text;
    this.#wake.resolve();
  }

  /** Stop at once unless a draft is in flight, which is awaited (so it cannot land after the message). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#waiting.abort();
    this.#wake.resolve();
    await this.#running;
  }

  async #loop(): Promise<void> {
    const waitSignal = this.#signal
      ? AbortSignal.any([this.#signal, this.#waiting.signal])
      : this.#waiting.signal;
    while (!this.#stopped) {
      const next = this.#wanted;
      if (next === undefined || next === this.#shown) {
        await this.#wake.promise;
        this.#wake = deferred<void>();
        continue;
      }
      try {
        await this.#context.limiter.edit(
          this.#target.chatId,
          async () => {
            if (this.#stopped) return;
            try {
              await sendDraft(this.#context, this.#target, next, this.#signal);
              this.#shown = next;
            } catch (error) {
              this.#failed(error);
            }
          },
          waitSignal,
        );
      } catch {
        // Aborted while waiting for the chat's pace: stopping.
        return;
      }
    }
  }

  #failed(error: unknown): void {
    const kind = classify(error);
    if (kind === 'rate-limited') {
      const seconds = (error as { parameters?: { retry_after?: number } }).parameters?.retry_after ?? 5;
      this.#context.limiter.hold(this.#target.chatId, seconds * 1000);
    } else if (kind === 'unsupported' || kind === 'bad-request' || kind === 'too-long') {
      this.#support.supported = false;
      this.#stopped = true;
      this.#context.logger.info(
        { chatId: this.#target.chatId, failure: kind },
        'Telegram refused a message draft; replies will be posted and edited',
      );
    } else if (kind === 'aborted') {
      this.#stopped = true;
    }
    // network and server failures: the next newer text is tried at the next slot
  }
}

/** Send a message that must arrive: rate limits wait in the limiter, other retryable failures back off. */
async function sendPersistently(
  context: SendContext,
  target: TelegramTarget,
  markdown: string,
  buttons: readonly Button[] | undefined,
  signal: AbortSignal | undefined,
): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await sendMessage(context, target, markdown, buttons, signal);
    } catch (error) {
      signal?.throwIfAborted();
      const failure = error as PlatformError;
      const again =
        PlatformError.isInstance(error) && (failure.retryAfterMs !== undefined || failure.retryable);
      if (!again || attempt >= MAX_ATTEMPTS) throw error;
      if (failure.retryAfterMs === undefined) await sleep(Math.min(15_000, 500 * 2 ** (attempt - 1)), signal);
    }
  }
}

function errorText(streamed: string, message: string): string {
  const body = streamed.trimEnd();
  return body === '' ? `⚠️ ${message}` : `${body}\n\n⚠️ ${message}`;
}

/**
 * Native streaming for private chats: the reply grows in a Telegram draft (`sendMessageDraft`, animated,
 * at most one per second per chat), approvals are posted with their buttons as they come, and the final
 * text is sent as real messages (split at 4096 characters, in order). Returns null — before consuming
 * anything — where drafts do not apply: groups, button presses (their reply edits the button message),
 * or a Bot API that refused drafts before; the delivery engine then posts and edits.
 */
export async function streamWithDrafts(
  context: SendContext,
  support: DraftSupport,
  to: ReplyAddress,
  parts: AsyncIterable<ReplyPart>,
  signal?: AbortSignal,
): Promise<SentMessage | null> {
  const target = fromAddress(to, 'sendMessageDraft');
  const refused = () => support.supported === false;
  if (!support.enabled || refused() || target.chatType !== 'private') return null;
  if (target.editMessageId !== undefined || target.draftId === undefined) return null;
  // The "Thinking…" draft may have just found out that this Bot API has no drafts.
  await context.acks.get(target.chatId);
  if (refused()) return null;
  const pump = new DraftPump(context, support, target, signal);
  let text = '';
  let status: string | undefined;
  let final: string | undefined;
  try {
    for await (const part of parts) {
      if (part.type === 'status') {
        status = part.text === '' ? undefined : part.text;
      } else if (part.type === 'text-delta') {
        text += part.delta;
        if (part.delta !== '') status = undefined;
      } else if (part.type === 'approval-request') {
        for (const message of approvalMessages(part, MAX_MESSAGE_LENGTH, 10)) {
          await sendPersistently(context, target, message.text, message.buttons, signal);
        }
        continue;
      } else {
        final = part.type === 'reply-end' ? part.text : errorText(text, part.message);
        break;
      }
      pump.show(draftText(text, status));
    }
  } finally {
    await pump.stop();
  }
  if (final === undefined) return null;
  const chunks = final.trim() === '' ? [EMPTY_REPLY_TEXT] : splitMessage(final, MAX_MESSAGE_LENGTH);
  let last = 0;
  for (const chunk of chunks) last = await sendPersistently(context, target, chunk, undefined, signal);
  return toSent(to, target.chatId, last);
}
