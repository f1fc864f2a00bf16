import type { ConversationRef } from '@switchboard/core';
import type { ConversationRecord } from '@switchboard/memory';

/** The channel a team memory belongs to: `platform:account:channel` (every thread of it). */
export function channelKeyOf(ref: ConversationRef): string {
  return `${ref.platform}:${ref.account}:${ref.channel}`;
}

/**
 * Whose memories a conversation may see (ADR 0037): in a direct chat, the person's own; in a shared
 * channel, only the channel's team memories, and only while team memory is on there — a person's private
 * memories never reach a channel others read.
 */
export function recallScopeOf(
  conversation: ConversationRecord,
  personId: string,
): { personId?: string; channelKey?: string } | undefined {
  if (conversation.direct) return { personId };
  if (conversation.teamMemory) return { channelKey: channelKeyOf(conversation) };
  return undefined;
}

/** Where `/remember` in this conversation keeps a fact: the channel's team memory when it is on, else the person's. */
export function keepScopeOf(conversation: ConversationRecord): { channelKey?: string } {
  return !conversation.direct && conversation.teamMemory ? { channelKey: channelKeyOf(conversation) } : {};
}
