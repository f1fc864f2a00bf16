import type { SentMessage, UnrecordedQuery } from '@switchboard/core';
import { decodeAddress, encodeAddress } from './address';
import type { ApiResult, SlackApi } from './api';

/** Slack's clocks and the box's may differ a little: look this much before the request arrived. */
const CLOCK_SLACK_SECONDS = 5;

interface ListedMessage {
  readonly ts: string;
  readonly user: string | undefined;
  readonly text: string;
  readonly blocks: boolean;
}

const listed = (result: ApiResult): ListedMessage[] => {
  const messages = result['messages'];
  if (!Array.isArray(messages)) return [];
  return messages.flatMap((raw: unknown) => {
    if (typeof raw !== 'object' || raw === null) return [];
    const message = raw as Record<string, unknown>;
    const ts = message['ts'];
    if (typeof ts !== 'string') return [];
    return [
      {
        ts,
        user: typeof message['user'] === 'string' ? message['user'] : undefined,
        text: typeof message['text'] === 'string' ? message['text'] : '',
        blocks: Array.isArray(message['blocks']) && message['blocks'].length > 0,
      },
    ];
  });
};

/**
 * Read a request's thread back after a crash (ADR 0049): the bot's messages in it, made since the request
 * arrived, that the outbox does not list — a native stream started, or a message posted, just before the
 * process died. A slash command's thread hangs under its anchor message, found in the channel's history
 * by its text. Each is returned as a streamed message, so the final edit stops a stream still open.
 */
export async function findUnrecorded(
  api: SlackApi,
  botUserId: string | undefined,
  query: UnrecordedQuery,
  signal?: AbortSignal,
): Promise<SentMessage[]> {
  if (botUserId === undefined) return [];
  const address = decodeAddress(query.to, 'conversations.replies');
  if (address.replace !== undefined) return [];
  const oldest = (query.since.getTime() / 1000 - CLOCK_SLACK_SECONDS).toFixed(6);
  const ours = (message: ListedMessage) => message.user === botUserId;
  let thread = address.thread;
  if (thread === undefined && address.anchor !== undefined) {
    const history = await api.call(
      address.team,
      'conversations.history',
      { channel: address.channel, oldest, limit: 200 },
      signal,
    );
    thread = listed(history)
      .filter((message) => ours(message) && message.text === address.anchor)
      .map((message) => message.ts)
      .sort()[0];
  }
  if (thread === undefined) return [];
  const replies = await api.call(
    address.team,
    'conversations.replies',
    { channel: address.channel, ts: thread, oldest, limit: 200 },
    signal,
  );
  const known = new Set([...query.known.map((sent) => sent.id), ...query.others]);
  const to = encodeAddress({ ...address, thread });
  return listed(replies)
    .filter((message) => ours(message) && message.ts !== thread && !known.has(message.ts))
    .map((message) => ({
      platform: 'slack',
      id: message.ts,
      address: to,
      data: { channel: address.channel, ts: message.ts, thread, blocks: message.blocks, streamed: true },
    }));
}
