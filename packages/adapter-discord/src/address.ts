import { PlatformError, type ReplyAddress } from '@switchboard/core';

/**
 * Where a reply goes, as JSON (it rides the bus). `interaction`: a slash command, answered through its
 * token until the token nears expiry, then in the channel. `action`: a button press, acknowledged at once;
 * the agent's `reply-end` sets the message to `decided` (buttons removed), its `error` reaches only the
 * presser. `message`: a mention or DM, answered in the channel.
 */
export type DiscordAddress =
  | {
      readonly kind: 'interaction' | 'action';
      readonly interactionId: string;
      readonly token: string;
      readonly applicationId: string;
      readonly channelId: string;
      readonly guildId: string | null;
      readonly userId: string;
      /** The adapter clock's time when the interaction arrived; its token works 15 minutes from then. */
      readonly receivedAt: number;
      /** `action` only: the pressed message's content once the press is accepted. */
      readonly decided?: string;
    }
  | {
      readonly kind: 'message';
      readonly messageId: string;
      readonly channelId: string;
      readonly guildId: string | null;
      readonly userId: string;
      readonly receivedAt: number;
    };

/** Wrap an address for an InboundEvent. */
export function toReplyAddress(address: DiscordAddress): ReplyAddress {
  return { platform: 'discord', data: { ...address } };
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Read an address back; a foreign or damaged one is a clear PlatformError, never a crash. */
export function readAddress(to: ReplyAddress): DiscordAddress {
  const data = to.data as Record<string, unknown>;
  const bad = () =>
    new PlatformError({
      code: 'bad_address',
      message: 'This reply address is not a Discord one.',
      method: 'address',
      retryable: false,
    });
  if (to.platform !== 'discord') throw bad();
  const common =
    isString(data['channelId']) && isString(data['userId']) && typeof data['receivedAt'] === 'number';
  const guildId = typeof data['guildId'] === 'string' ? data['guildId'] : null;
  if (!common) throw bad();
  const base = {
    channelId: data['channelId'] as string,
    guildId,
    userId: data['userId'] as string,
    receivedAt: data['receivedAt'] as number,
  };
  if (data['kind'] === 'message' && isString(data['messageId']))
    return { kind: 'message', messageId: data['messageId'], ...base };
  if (
    (data['kind'] === 'interaction' || data['kind'] === 'action') &&
    isString(data['interactionId']) &&
    isString(data['token']) &&
    isString(data['applicationId'])
  ) {
    return {
      kind: data['kind'],
      interactionId: data['interactionId'],
      token: data['token'],
      applicationId: data['applicationId'],
      ...base,
      ...(typeof data['decided'] === 'string' ? { decided: data['decided'] } : {}),
    };
  }
  throw bad();
}
