import { type JsonValue, PlatformError, type ReplyAddress } from '@switchboard/core';

/** Where and how to answer one Slack request. Travels in {@link ReplyAddress.data} (JSON). */
export interface SlackAddress {
  /** The workspace (team id). */
  readonly team: string;
  readonly channel: string;
  /** The thread to answer in; unset for slash commands until their anchor message exists. */
  readonly thread?: string;
  /** The user who asked (the recipient of native streams). */
  readonly user: string;
  /** The inbound event id, which keys the anchor message of a slash command. */
  readonly request: string;
  /** mrkdwn of the anchor message a slash command's answer is threaded under. */
  readonly anchor?: string;
  /** A slash command's `response_url`: where to tell the asker when the bot cannot post in the channel. */
  readonly respond?: string;
  /** A button message to update in place (the reply to a button press), and the text it showed. */
  readonly replace?: { readonly ts: string; readonly text: string };
}

/** Wrap a {@link SlackAddress} as a core {@link ReplyAddress}. */
export function encodeAddress(address: SlackAddress): ReplyAddress {
  const data: Record<string, JsonValue> = {
    team: address.team,
    channel: address.channel,
    user: address.user,
    request: address.request,
  };
  if (address.thread !== undefined) data['thread'] = address.thread;
  if (address.anchor !== undefined) data['anchor'] = address.anchor;
  if (address.respond !== undefined) data['respond'] = address.respond;
  if (address.replace !== undefined) data['replace'] = { ts: address.replace.ts, text: address.replace.text };
  return { platform: 'slack', data };
}

const text = (value: JsonValue | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** Read a {@link SlackAddress} back; throws a non-retryable PlatformError for anything else. */
export function decodeAddress(to: ReplyAddress, method: string): SlackAddress {
  const data = to.data;
  const team = text(data['team']);
  const channel = text(data['channel']);
  const user = text(data['user']);
  const request = text(data['request']);
  if (to.platform !== 'slack' || !team || !channel || user === undefined || request === undefined) {
    throw new PlatformError({
      code: 'bad_address',
      message: 'This reply address is not a Slack conversation.',
      method,
      retryable: false,
    });
  }
  const thread = text(data['thread']);
  const anchor = text(data['anchor']);
  const respond = text(data['respond']);
  const replace = data['replace'];
  const replaceTs =
    typeof replace === 'object' && replace !== null && !Array.isArray(replace)
      ? text((replace as Record<string, JsonValue>)['ts'])
      : undefined;
  const replaceText =
    typeof replace === 'object' && replace !== null && !Array.isArray(replace)
      ? text((replace as Record<string, JsonValue>)['text'])
      : undefined;
  return {
    team,
    channel,
    user,
    request,
    ...(thread === undefined ? {} : { thread }),
    ...(anchor === undefined ? {} : { anchor }),
    ...(respond === undefined ? {} : { respond }),
    ...(replaceTs === undefined ? {} : { replace: { ts: replaceTs, text: replaceText ?? '' } }),
  };
}
