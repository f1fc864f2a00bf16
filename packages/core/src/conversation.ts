/** The chat platforms Switchboard speaks. `web` is the built-in web chat and the terminal. */
export type Platform = 'discord' | 'slack' | 'telegram' | 'whatsapp' | 'web';

/** Every platform name, for validation and iteration. */
export const PLATFORMS: readonly Platform[] = ['discord', 'slack', 'telegram', 'whatsapp', 'web'];

/**
 * Where a conversation happens. Two events with the same {@link conversationKey} belong to one
 * conversation: they share memory and are handled strictly in order.
 */
export interface ConversationRef {
  readonly platform: Platform;
  /** The workspace, bot or server the box is connected as (Slack team, Discord guild, bot id). */
  readonly account: string;
  /** The channel, chat or DM id on the platform. */
  readonly channel: string;
  /** A thread inside the channel, when the platform has threads. */
  readonly thread?: string;
  /** True for one-to-one chats with the bot, where plain text is a request. */
  readonly direct: boolean;
}

/** The stable key of a conversation: `${platform}:${account}:${channel}:${thread ?? '-'}`. */
export function conversationKey(ref: ConversationRef): string {
  return `${ref.platform}:${ref.account}:${ref.channel}:${ref.thread ?? '-'}`;
}
