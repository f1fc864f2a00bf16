/** One inbound message from a webhook delivery, with what the adapter needs from its envelope. */
export interface InboundItem {
  /** The business phone number id the message was sent to. */
  readonly phoneNumberId: string;
  /** The `wamid` of the message: the same on every redelivery. */
  readonly id: string;
  /** The sender's wa_id. */
  readonly from: string;
  /** The sender's profile name, when the delivery carried it. */
  readonly name: string | undefined;
  /** When the user sent it, in milliseconds. */
  readonly sentAt: number;
  readonly content: InboundContent;
}

/** What a message holds, as far as the box understands it. */
export type InboundContent =
  | { readonly kind: 'text'; readonly text: string }
  /** A press of one of our reply buttons. */
  | { readonly kind: 'button'; readonly id: string; readonly title: string }
  /** Voice notes, images and other media: answered "text only for now". */
  | { readonly kind: 'media'; readonly type: string }
  | { readonly kind: 'unsupported'; readonly type: string };

/** A failed delivery Meta reports later, in a `statuses` entry. */
export interface StatusFailure {
  readonly messageId: string;
  readonly recipient: string | undefined;
  readonly code: number | undefined;
  readonly title: string | undefined;
}

/** A webhook body read: the messages and failed statuses in it, or why it is not one. */
export type ParsedWebhook =
  | {
      readonly ok: true;
      readonly messages: InboundItem[];
      readonly failures: StatusFailure[];
      readonly skipped: string[];
    }
  | { readonly ok: false; readonly reason: string };

type Json = Record<string, unknown>;
const object = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const string = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const array = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const MEDIA = new Set(['audio', 'voice', 'image', 'video', 'document', 'sticker']);
const MAX_TEXT = 65_536;

function content(message: Json): InboundContent {
  const type = string(message['type']) ?? 'unknown';
  if (type === 'text') {
    const body = string(object(message['text'])?.['body']);
    return body === undefined
      ? { kind: 'unsupported', type: 'text without a body' }
      : { kind: 'text', text: body.slice(0, MAX_TEXT) };
  }
  if (type === 'interactive') {
    const reply = object(object(message['interactive'])?.['button_reply']);
    const id = string(reply?.['id']);
    if (id !== undefined) return { kind: 'button', id, title: string(reply?.['title']) ?? '' };
    return { kind: 'unsupported', type: 'interactive' };
  }
  if (type === 'button') {
    const payload = string(object(message['button'])?.['payload']);
    if (payload !== undefined)
      return { kind: 'button', id: payload, title: string(object(message['button'])?.['text']) ?? '' };
  }
  if (MEDIA.has(type)) return { kind: 'media', type };
  return { kind: 'unsupported', type: type.slice(0, 40) };
}

function readMessage(
  message: unknown,
  phoneNumberId: string,
  names: Map<string, string>,
): InboundItem | string {
  const fields = object(message);
  if (fields === undefined) return 'a message that is not an object';
  const id = string(fields['id']);
  const from = string(fields['from']);
  const timestamp = Number(string(fields['timestamp']) ?? Number.NaN);
  if (id === undefined || id.length === 0 || id.length > 256) return 'a message without an id';
  if (from === undefined || !/^\d{5,20}$/.test(from)) return 'a message without a sender';
  if (!Number.isFinite(timestamp) || timestamp <= 0) return 'a message without a timestamp';
  return {
    phoneNumberId,
    id,
    from,
    name: names.get(from),
    sentAt: timestamp * 1000,
    content: content(fields),
  };
}

/**
 * Read a Cloud API webhook body (already signature-checked): every `messages` change's messages with
 * their senders' names, and every failed status. Malformed parts are skipped with a reason; a body that
 * is not a WhatsApp Business Account notification at all is refused.
 */
export function parseWebhook(body: unknown): ParsedWebhook {
  const root = object(body);
  if (root === undefined) return { ok: false, reason: 'the body is not a JSON object' };
  if (root['object'] !== 'whatsapp_business_account')
    return { ok: false, reason: 'the body is not a whatsapp_business_account notification' };
  if (!Array.isArray(root['entry'])) return { ok: false, reason: 'the body has no entry list' };
  const messages: InboundItem[] = [];
  const failures: StatusFailure[] = [];
  const skipped: string[] = [];
  for (const entry of root['entry']) {
    for (const change of array(object(entry)?.['changes'])) {
      const fields = object(change);
      const value = object(fields?.['value']);
      if (fields?.['field'] !== 'messages' || value === undefined) {
        skipped.push(`a change of field ${String(fields?.['field'] ?? 'none').slice(0, 40)}`);
        continue;
      }
      const phoneNumberId = string(object(value['metadata'])?.['phone_number_id']);
      if (phoneNumberId === undefined) {
        skipped.push('a change without metadata.phone_number_id');
        continue;
      }
      const names = new Map<string, string>();
      for (const contact of array(value['contacts'])) {
        const waId = string(object(contact)?.['wa_id']);
        const name = string(object(object(contact)?.['profile'])?.['name']);
        if (waId !== undefined && name !== undefined) names.set(waId, name.slice(0, 100));
      }
      for (const message of array(value['messages'])) {
        const item = readMessage(message, phoneNumberId, names);
        if (typeof item === 'string') skipped.push(item);
        else messages.push(item);
      }
      for (const status of array(value['statuses'])) {
        const fields = object(status);
        if (fields?.['status'] !== 'failed') continue;
        const error = object(array(fields['errors'])[0]);
        failures.push({
          messageId: string(fields['id']) ?? 'unknown',
          recipient: string(fields['recipient_id']),
          code: typeof error?.['code'] === 'number' ? error['code'] : undefined,
          title: string(error?.['title'])?.slice(0, 200),
        });
      }
    }
  }
  return { ok: true, messages, failures, skipped };
}
