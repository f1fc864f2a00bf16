import {
  type Button,
  describeError,
  type JsonValue,
  type Logger,
  type OutboundMessage,
  PlatformError,
  type ReplyAddress,
  type SentMessage,
} from '@switchboard/core';
import { decodeAddress, type SlackAddress } from './address';
import { field, type SlackApi } from './api';
import { buttonBlocks } from './blocks';
import { slackErrorCode } from './errors';
import { splitMrkdwn, toMrkdwn } from './format';
import { BoundedMap } from './lru';
import type { ThreadMemory } from './threads';

/** Slack's limit on a message's `text`. */
export const TEXT_LIMIT = 40_000;

const EMPTY = '…';

/** Errors meaning the bot cannot post in the channel at all. */
const CANNOT_POST = new Set(['slack_not_in_channel', 'slack_channel_not_found', 'slack_is_archived']);

/** The SentMessage.data the adapter writes and reads back. */
interface SentData {
  readonly channel: string;
  readonly ts: string;
  readonly thread: string | undefined;
  /** The text kept above the reply when a button message is updated in place. */
  readonly prefix: string | undefined;
  readonly blocks: boolean;
}

function sentMessage(address: ReplyAddress, data: SentData): SentMessage {
  const json: Record<string, JsonValue> = { channel: data.channel, ts: data.ts, blocks: data.blocks };
  if (data.thread !== undefined) json['thread'] = data.thread;
  if (data.prefix !== undefined) json['prefix'] = data.prefix;
  return { platform: 'slack', id: data.ts, address, data: json };
}

function readSent(sent: SentMessage): SentData {
  const data = sent.data ?? {};
  const channel = data['channel'];
  const ts = data['ts'];
  if (typeof channel !== 'string' || typeof ts !== 'string') {
    throw new PlatformError({
      code: 'bad_message',
      message: 'This is not a Slack message the box posted.',
      method: 'chat.update',
      retryable: false,
    });
  }
  const thread = data['thread'];
  const prefix = data['prefix'];
  return {
    channel,
    ts,
    thread: typeof thread === 'string' ? thread : undefined,
    prefix: typeof prefix === 'string' ? prefix : undefined,
    blocks: data['blocks'] === true,
  };
}

/**
 * Posts and edits messages: text converted to mrkdwn, split at Slack's 40,000 characters (the delivery
 * engine splits Markdown at the same limit; escaping can lengthen it, so the last pieces of a final
 * message become extra messages in the thread), buttons as Block Kit, replies always in a thread.
 */
export class SlackSender {
  readonly #anchors = new BoundedMap<string, Promise<string>>(5_000);
  readonly #statusUnsupported = new Set<string>();
  readonly #told = new BoundedMap<string, true>(5_000);
  /** The bot's user id, once known (`/invite <@bot>` in the hint to a slash command's asker). */
  botUserId: string | undefined;

  constructor(
    private readonly api: SlackApi,
    readonly threads: ThreadMemory,
    private readonly logger: Logger,
  ) {}

  /**
   * The thread to answer in. A slash command has none: its answer goes under an anchor message
   * ("alice asked: …") posted once per request, whoever asks first (stream or post).
   */
  threadFor(address: SlackAddress, signal?: AbortSignal): Promise<string | undefined> {
    if (address.thread !== undefined) return Promise.resolve(address.thread);
    if (address.anchor === undefined) return Promise.resolve(undefined);
    let pending = this.#anchors.get(address.request);
    if (pending === undefined) {
      pending = this.api
        .call(
          address.team,
          'chat.postMessage',
          { channel: address.channel, text: address.anchor, unfurl_links: false },
          signal,
        )
        .then((result) => {
          const ts = field(result, 'ts');
          if (ts === undefined)
            throw new PlatformError({
              code: 'slack_bad_answer',
              message: 'Slack did not return the anchor message.',
              method: 'chat.postMessage',
            });
          this.threads.mark(address.channel, ts, 'anchor');
          return ts;
        });
      const own = pending;
      this.#anchors.set(address.request, own);
      own.catch((error: unknown) => {
        if (this.#anchors.get(address.request) === own) this.#anchors.delete(address.request);
        if (PlatformError.isInstance(error) && CANNOT_POST.has(error.code)) void this.#tellAsker(address);
      });
    }
    return pending;
  }

  /**
   * The bot cannot post where the slash command was typed (not invited, a private channel, a DM between
   * two people): say so to the asker alone, once, through the command's `response_url`.
   */
  async #tellAsker(address: SlackAddress): Promise<void> {
    if (address.respond === undefined || this.#told.has(address.request)) return;
    this.#told.set(address.request, true);
    const bot = this.botUserId === undefined ? '@Switchboard' : `<@${this.botUserId}>`;
    try {
      const answer = await fetch(address.respond, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          response_type: 'ephemeral',
          text: `I can't post in this conversation. Invite me with \`/invite ${bot}\`, or ask me in a direct message.`,
        }),
        signal: AbortSignal.timeout(5_000),
      });
      await answer.body?.cancel();
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'could not tell the asker why the answer is missing');
    }
  }

  async post(to: ReplyAddress, message: OutboundMessage, signal?: AbortSignal): Promise<SentMessage> {
    const address = decodeAddress(to, 'chat.postMessage');
    if (address.replace !== undefined) return this.#replace(to, address, message, signal);
    const thread = await this.threadFor(address, signal);
    const pieces = splitMrkdwn(toMrkdwn(message.text) || EMPTY, TEXT_LIMIT);
    const send = message.final ? pieces : pieces.slice(0, 1);
    let last: SentMessage | undefined;
    for (const [index, text] of send.entries()) {
      const buttons = index === send.length - 1 ? message.buttons : undefined;
      last = await this.#postOne(to, address, thread, text, buttons, signal);
      if (!message.final) return last;
    }
    return last as SentMessage;
  }

  async #postOne(
    to: ReplyAddress,
    address: SlackAddress,
    thread: string | undefined,
    text: string,
    buttons: readonly Button[] | undefined,
    signal: AbortSignal | undefined,
  ): Promise<SentMessage> {
    const withButtons = buttons !== undefined && buttons.length > 0;
    const result = await this.api.call(
      address.team,
      'chat.postMessage',
      {
        channel: address.channel,
        text,
        ...(thread === undefined ? {} : { thread_ts: thread }),
        ...(withButtons ? { blocks: buttonBlocks(text, buttons) } : {}),
        unfurl_links: false,
      },
      signal,
    );
    const ts = field(result, 'ts');
    if (ts === undefined)
      throw new PlatformError({
        code: 'slack_bad_answer',
        message: 'Slack did not return the posted message.',
        method: 'chat.postMessage',
      });
    if (thread !== undefined) this.threads.mark(address.channel, thread, 'engaged');
    return sentMessage(to, {
      channel: field(result, 'channel') ?? address.channel,
      ts,
      thread,
      prefix: undefined,
      blocks: withButtons,
    });
  }

  /** The reply to a button press: rewrite the button message with the decision under its text. */
  async #replace(
    to: ReplyAddress,
    address: SlackAddress,
    message: OutboundMessage,
    signal?: AbortSignal,
  ): Promise<SentMessage> {
    const replace = address.replace as NonNullable<SlackAddress['replace']>;
    const data: SentData = {
      channel: address.channel,
      ts: replace.ts,
      thread: address.thread,
      prefix: replace.text,
      blocks: true,
    };
    const sent = sentMessage(to, data);
    await this.edit(sent, message, signal);
    return sent;
  }

  async edit(sent: SentMessage, message: OutboundMessage, signal?: AbortSignal): Promise<void> {
    const address = decodeAddress(sent.address, 'chat.update');
    const data = readSent(sent);
    if (sent.data?.['streamed'] === true) await this.#stopStream(address.team, data, signal);
    const body = toMrkdwn(message.text);
    const text =
      data.prefix === undefined
        ? body || EMPTY
        : [data.prefix, body].filter((part) => part !== '').join('\n\n') || EMPTY;
    const pieces = splitMrkdwn(text, TEXT_LIMIT);
    const first = pieces[0] ?? EMPTY;
    const buttons =
      message.buttons !== undefined && message.buttons.length > 0 && pieces.length === 1
        ? message.buttons
        : undefined;
    await this.api.call(
      address.team,
      'chat.update',
      {
        channel: data.channel,
        ts: data.ts,
        text: first,
        ...(buttons !== undefined
          ? { blocks: buttonBlocks(first, buttons) }
          : data.blocks
            ? { blocks: [] }
            : {}),
      },
      signal,
    );
    if (!message.final || pieces.length === 1) return;
    const thread = data.thread ?? data.ts;
    for (const [index, piece] of pieces.slice(1).entries()) {
      const last = index === pieces.length - 2;
      await this.#postOne(sent.address, address, thread, piece, last ? message.buttons : undefined, signal);
    }
  }

  /**
   * End a native stream a crashed process left open (its message still says "streaming"), so it can be
   * updated into the final text. A stream that already stopped is fine.
   */
  async #stopStream(team: string, data: SentData, signal?: AbortSignal): Promise<void> {
    try {
      await this.api.call(team, 'chat.stopStream', { channel: data.channel, ts: data.ts }, signal);
    } catch (error) {
      if (
        slackErrorCode(PlatformError.isInstance(error) ? error.cause : error) !==
        'message_not_in_streaming_state'
      )
        throw error;
    }
  }

  /** Show a status line in an assistant thread (`assistant.threads.setStatus`); silently skipped elsewhere. */
  async status(to: ReplyAddress, status: string, signal?: AbortSignal): Promise<void> {
    const address = decodeAddress(to, 'assistant.threads.setStatus');
    if (address.thread === undefined || address.replace !== undefined) return;
    await this.threadStatus(address.team, address.channel, address.thread, status, signal);
  }

  /**
   * Set (or, with `''`, clear) the status line of the thread `thread` of `channel`. Best effort: a
   * workspace that refuses it (not an AI app, a missing scope) is not asked again.
   */
  async threadStatus(
    team: string,
    channel: string,
    thread: string,
    status: string,
    signal?: AbortSignal,
  ): Promise<void> {
    if (this.#statusUnsupported.has(team)) return;
    try {
      await this.api.call(
        team,
        'assistant.threads.setStatus',
        { channel_id: channel, thread_ts: thread, status: status.slice(0, 200) },
        signal,
      );
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const code = PlatformError.isInstance(error) ? error.code : 'unknown';
      if (code !== 'rate_limited' && code !== 'slack_unreachable') this.#statusUnsupported.add(team);
      this.logger.debug({ err: describeError(error) }, 'slack status line not shown');
    }
  }
}
