import {
  describeError,
  type Logger,
  PlatformError,
  type ReplyAddress,
  type SentMessage,
  type StreamWriter,
} from '@switchboard/core';
import { decodeAddress } from './address';
import { field, type SlackApi } from './api';
import { slackErrorCode } from './errors';
import { neutraliseMarkdown } from './format';
import type { SlackSender } from './send';

/** Slack's limit on the `markdown_text` of one stream call. */
export const STREAM_CHUNK_LIMIT = 12_000;
/** Stop streaming into one message before Slack's 40,000 characters; the rest is posted after it. */
export const STREAM_MESSAGE_LIMIT = 39_000;

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

/** Where a started stream writes (the `data` of its {@link SentMessage}). */
interface StreamData {
  readonly channel: string;
  readonly ts: string;
}

/**
 * Slack's native stream as the engine's {@link StreamWriter} (`chat.startStream` → `appendStream`… →
 * `stopStream`), for replies in threads. `start` declines (`null`) for button-message updates, when the
 * anchor or the stream cannot be started, and for good in a workspace whose startStream answers with an
 * error meaning "not supported". Appends are neutralised (mentions cannot ping); the engine appends whole
 * words only, so a mention split across deltas arrives in one append. Half of Slack's 12,000 characters
 * per append leaves room for the zero-width spaces neutralising adds.
 */
export class SlackStreamWriter implements StreamWriter {
  readonly appendLength = STREAM_CHUNK_LIMIT / 2;
  readonly messageLength = STREAM_MESSAGE_LIMIT;
  readonly #unsupported = new Set<string>();

  constructor(
    private readonly api: SlackApi,
    private readonly sender: SlackSender,
    private readonly logger: Logger,
  ) {}

  async start(to: ReplyAddress, signal?: AbortSignal): Promise<SentMessage | null> {
    const address = decodeAddress(to, 'chat.startStream');
    if (address.replace !== undefined || this.#unsupported.has(address.team)) return null;
    try {
      const thread = await this.sender.threadFor(address, signal);
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
      const ts = field(started, 'ts');
      if (ts === undefined) return null;
      this.sender.threads.mark(address.channel, thread, 'engaged');
      return {
        platform: 'slack',
        id: ts,
        address: to,
        data: { channel: address.channel, ts, thread, blocks: false, streamed: true },
      };
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
  }

  async append(sent: SentMessage, markdown: string, signal?: AbortSignal): Promise<void> {
    const { channel, ts } = streamData(sent);
    await this.api.call(
      decodeAddress(sent.address, 'chat.appendStream').team,
      'chat.appendStream',
      { channel, ts, markdown_text: neutraliseMarkdown(markdown) },
      signal,
    );
  }

  /** The thread's status line under the stream (`assistant.threads.setStatus`), as the typing line is. */
  async status(sent: SentMessage, text: string, signal?: AbortSignal): Promise<void> {
    const { channel } = streamData(sent);
    const thread = sent.data?.['thread'];
    if (typeof thread !== 'string') return;
    const team = decodeAddress(sent.address, 'assistant.threads.setStatus').team;
    await this.sender.threadStatus(team, channel, thread, text, signal);
  }

  async stop(sent: SentMessage, signal?: AbortSignal): Promise<void> {
    const { channel, ts } = streamData(sent);
    await this.api.call(
      decodeAddress(sent.address, 'chat.stopStream').team,
      'chat.stopStream',
      { channel, ts },
      signal,
    );
  }
}

function streamData(sent: SentMessage): StreamData {
  const channel = sent.data?.['channel'];
  const ts = sent.data?.['ts'];
  if (typeof channel !== 'string' || typeof ts !== 'string')
    throw new PlatformError({
      code: 'slack_bad_message',
      message: 'The streamed message lacks its channel or ts.',
      method: 'chat.appendStream',
      retryable: false,
    });
  return { channel, ts };
}
