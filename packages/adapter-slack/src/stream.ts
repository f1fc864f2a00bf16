import {
  describeError,
  type Logger,
  PlatformError,
  type ReplyAddress,
  type ReplyPart,
  type SentMessage,
} from '@switchboard/core';
import { decodeAddress, encodeAddress, type SlackAddress } from './address';
import { field, type SlackApi } from './api';
import { approvalButtons } from './blocks';
import { slackErrorCode } from './errors';
import { neutraliseMarkdown } from './format';
import type { SlackSender } from './send';

/** Slack's limit on the `markdown_text` of one stream call. */
export const STREAM_CHUNK_LIMIT = 12_000;
/** Stop streaming into one message before Slack's 40,000 characters; the rest is posted after it. */
export const STREAM_MESSAGE_LIMIT = 39_000;
/** The shortest gap between two appends to one stream. */
export const APPEND_INTERVAL_MS = 500;

/** startStream errors that mean "this workspace (or token) has no native streaming". */
const UNSUPPORTED = new Set([
  'unknown_method',
  'not_allowed_token_type',
  'feature_not_enabled',
  'not_supported',
  'method_deprecated',
  'team_not_allowed',
  'missing_scope',
]);

/**
 * One native stream (`chat.startStream` → `appendStream`… → `stopStream`). Deltas are buffered and
 * appended at most every {@link APPEND_INTERVAL_MS} (and within the workspace's Tier 4 budget); a 429
 * only delays this stream. A trailing `<` or `@` is held back until the next append, so a mention split
 * across two deltas is still neutralised.
 */
class StreamSession {
  /** Raw Markdown Slack has accepted. */
  #streamed = '';
  /** Characters Slack holds (neutralising adds zero-width spaces). */
  #length = 0;
  #pending = '';
  /** Every delta received, streamed or not. */
  #received = '';
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #notBefore = 0;
  #broken = false;
  #full = false;

  constructor(
    private readonly api: SlackApi,
    private readonly team: string,
    private readonly channel: string,
    readonly ts: string,
    private readonly logger: Logger,
  ) {}

  append(delta: string): void {
    this.#pending += delta;
    this.#received += delta;
    this.#schedule();
  }

  #schedule(): void {
    if (
      this.#timer !== undefined ||
      this.#flushing !== undefined ||
      this.#broken ||
      this.#full ||
      this.#pending === ''
    )
      return;
    const wait = Math.max(0, this.#notBefore - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flushing = this.#flush(false).finally(() => {
        this.#flushing = undefined;
        this.#schedule();
      });
    }, wait);
  }

  async #flush(final: boolean): Promise<void> {
    while (this.#pending !== '' && !this.#broken && !this.#full) {
      let chunk = this.#pending.slice(0, STREAM_CHUNK_LIMIT / 2);
      if (!final && chunk.length === this.#pending.length) {
        const hold = /[<@][^\s<>@]{0,20}$/.exec(chunk);
        if (hold) chunk = chunk.slice(0, hold.index);
      }
      if (chunk === '') return;
      const text = neutraliseMarkdown(chunk);
      if (this.#length + text.length > STREAM_MESSAGE_LIMIT) {
        this.#full = true;
        return;
      }
      this.#notBefore = Date.now() + APPEND_INTERVAL_MS;
      try {
        await this.api.call(this.team, 'chat.appendStream', {
          channel: this.channel,
          ts: this.ts,
          markdown_text: text,
        });
      } catch (error) {
        if (PlatformError.isInstance(error) && error.retryAfterMs !== undefined) {
          this.#notBefore = Date.now() + error.retryAfterMs;
          if (final) {
            await new Promise((resolve) => setTimeout(resolve, error.retryAfterMs));
            continue;
          }
          return;
        }
        this.logger.warn(
          { err: describeError(error) },
          'slack stream append failed; the answer will be posted instead',
        );
        this.#broken = true;
        return;
      }
      this.#streamed += chunk;
      this.#length += text.length;
      this.#pending = this.#pending.slice(chunk.length);
      if (!final) return;
    }
  }

  /** Wait for the append in progress, then stop scheduling more. */
  async settle(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#flushing;
  }

  /**
   * Finish with `text`, the whole reply. Streams what is missing when `text` continues what was
   * streamed, stops the stream, and returns what Slack does not show yet (a reply that differs from the
   * stream, or the part beyond one message) so the caller can put it right.
   */
  async finish(text: string): Promise<{ readonly rewrite: boolean; readonly rest: string }> {
    await this.settle();
    const continues = !this.#broken && text.startsWith(this.#streamed);
    if (continues) {
      this.#pending = text.slice(this.#streamed.length);
      await this.#flush(true);
    }
    await this.stop();
    if (!continues) return { rewrite: true, rest: text };
    return { rewrite: false, rest: this.#pending };
  }

  async stop(): Promise<void> {
    await this.settle();
    try {
      await this.api.call(this.team, 'chat.stopStream', { channel: this.channel, ts: this.ts });
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'slack stopStream failed');
    }
  }

  /** Every delta received so far. */
  get received(): string {
    return this.#received;
  }
}

/**
 * Native streaming for replies in threads (the adapter's optional `stream()`): falls back to the
 * engine's post+edit (resolves `null`, before reading any part) for button-message updates, when the
 * anchor or the stream cannot be started, and for good in a workspace whose startStream answers with an
 * error meaning "not supported".
 */
export class SlackStreamer {
  readonly #unsupported = new Set<string>();

  constructor(
    private readonly api: SlackApi,
    private readonly sender: SlackSender,
    private readonly logger: Logger,
  ) {}

  async stream(
    to: ReplyAddress,
    parts: AsyncIterable<ReplyPart>,
    signal?: AbortSignal,
  ): Promise<SentMessage | null> {
    const address = decodeAddress(to, 'chat.startStream');
    if (address.replace !== undefined || this.#unsupported.has(address.team)) return null;
    let thread: string | undefined;
    let ts: string | undefined;
    try {
      thread = await this.sender.threadFor(address, signal);
      if (thread === undefined) return null;
      const started = await this.api.call(
        address.team,
        'chat.startStream',
        {
          channel: address.channel,
          thread_ts: thread,
          recipient_team_id: address.team,
          recipient_user_id: address.user,
        },
        signal,
      );
      ts = field(started, 'ts');
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const code = PlatformError.isInstance(error) ? slackErrorCode(error.cause) : undefined;
      if (code !== undefined && UNSUPPORTED.has(code)) {
        this.#unsupported.add(address.team);
        this.logger.info(
          { team: address.team, code },
          'slack native streaming unavailable; using post and edit',
        );
      } else {
        this.logger.warn({ err: describeError(error) }, 'slack stream not started; using post and edit');
      }
      return null;
    }
    if (ts === undefined) return null;
    this.sender.threads.mark(address.channel, thread, 'engaged');
    const threaded: SlackAddress = { ...address, thread };
    const session = new StreamSession(this.api, address.team, address.channel, ts, this.logger);
    const threadedTo = encodeAddress(threaded);
    const sent: SentMessage = {
      platform: 'slack',
      id: ts,
      address: to,
      data: { channel: address.channel, ts, thread, blocks: false },
    };
    try {
      for await (const part of parts) {
        if (signal?.aborted) throw signal.reason;
        switch (part.type) {
          case 'status':
            void this.sender.status(threadedTo, part.text, signal).catch(() => {});
            break;
          case 'text-delta':
            session.append(part.delta);
            break;
          case 'approval-request':
            await session.settle();
            await this.sender.post(
              threadedTo,
              {
                text: part.summary,
                buttons: approvalButtons(part.approvalId, part.choices),
                final: true,
              },
              signal,
            );
            break;
          case 'reply-end':
            await this.#finish(session, threaded, sent, part.text, signal);
            return sent;
          case 'error': {
            const received = session.received;
            const notice = `⚠️ ${part.message}`;
            await this.#finish(
              session,
              threaded,
              sent,
              received === '' ? notice : `${received}\n\n${notice}`,
              signal,
            );
            return sent;
          }
        }
      }
      await this.#finish(session, threaded, sent, session.received, signal);
      return sent;
    } catch (error) {
      await session.stop();
      throw error;
    }
  }

  async #finish(
    session: StreamSession,
    address: SlackAddress,
    sent: SentMessage,
    text: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const { rewrite, rest } = await session.finish(text);
    const to = encodeAddress(address);
    if (rewrite) {
      await this.sender.edit(sent, { text, final: true }, signal);
    } else if (rest !== '') {
      await this.sender.post(to, { text: rest, final: true }, signal);
    }
  }
}
