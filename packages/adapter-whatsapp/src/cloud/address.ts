import type { ReplyAddress } from '@switchboard/core';

/** Where a cloud-mode reply goes: the user, and the message it answers (for "typing…"). */
export interface CloudAddress {
  readonly waId: string;
  /** The `wamid` of the user's message: the typing indicator is shown against it. */
  readonly messageId: string;
  /** When the user sent it, in milliseconds: it opened (or renewed) their 24-hour window. */
  readonly wroteAt: number;
}

/** The opaque reply address of a cloud-mode request. */
export function toCloudAddress(address: CloudAddress): ReplyAddress {
  return { platform: 'whatsapp', data: { mode: 'cloud', ...address } };
}

/** The address back, or undefined when it is not a cloud-mode WhatsApp address. */
export function fromCloudAddress(address: ReplyAddress): CloudAddress | undefined {
  const { data } = address;
  if (address.platform !== 'whatsapp' || data['mode'] !== 'cloud') return undefined;
  const { waId, messageId, wroteAt } = data;
  if (typeof waId !== 'string' || typeof messageId !== 'string' || typeof wroteAt !== 'number')
    return undefined;
  return { waId, messageId, wroteAt };
}
