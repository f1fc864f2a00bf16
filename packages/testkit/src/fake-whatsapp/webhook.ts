import { createHmac, randomBytes } from 'node:crypto';
import type { FakeGraph } from './types';

/** One inbound message object as the Cloud API puts it under `entry[].changes[].value.messages[]`. */
export type InboundMessagePayload = Record<string, unknown> & {
  readonly from: string;
  readonly id: string;
  readonly timestamp: string;
  readonly type: string;
};

/** `sha256=<hex>`: the `X-Hub-Signature-256` Meta puts on each webhook, an HMAC-SHA256 of the raw body. */
export function signWhatsAppBody(raw: string | Uint8Array, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

/** A new message id in Meta's format. */
export const newMessageId = (): string => `wamid.${randomBytes(18).toString('base64url')}`;

/** The whole webhook body for one `messages` change, as Meta sends it. */
export function messagesWebhook(options: {
  readonly phoneNumberId: string;
  readonly messages?: readonly InboundMessagePayload[];
  readonly contacts?: readonly { readonly waId: string; readonly name: string }[];
  readonly statuses?: readonly Record<string, unknown>[];
}): Record<string, unknown> {
  const value: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550100000', phone_number_id: options.phoneNumberId },
  };
  if (options.contacts)
    value['contacts'] = options.contacts.map((contact) => ({
      profile: { name: contact.name },
      wa_id: contact.waId,
    }));
  if (options.messages) value['messages'] = options.messages;
  if (options.statuses) value['statuses'] = options.statuses;
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ value, field: 'messages' }] }],
  };
}

/** What a test message looks like; `at` is the fake clock's milliseconds. */
export interface InboundOptions {
  readonly from: string;
  readonly name?: string;
  readonly id?: string;
  readonly at?: number;
}

/** One delivery's answer and the message id it carried. */
export interface WebhookResult {
  readonly status: number;
  readonly body: string;
  readonly messageId: string | undefined;
}

/** Options of {@link createWebhookSender}. */
export interface WebhookSenderOptions {
  /** The full webhook URL, such as `http://127.0.0.1:3000/whatsapp/webhook`. */
  readonly url: string;
  readonly appSecret: string;
  /** Told about every user message, so its 24-hour window opens as Meta's would. */
  readonly graph?: FakeGraph;
  readonly phoneNumberId?: string;
  readonly now?: () => number;
}

/** Sends Meta-shaped, signed webhook deliveries to the box, as the Cloud API does. */
export interface WebhookSender {
  /** The verification handshake: `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`. */
  verify(verifyToken: string, challenge: string, mode?: string): Promise<WebhookResult>;
  /** A text message from a user. */
  text(options: InboundOptions & { readonly body: string }): Promise<WebhookResult>;
  /** A press of a reply button on message `context` (the interactive message's id). */
  buttonReply(
    options: InboundOptions & {
      readonly buttonId: string;
      readonly title: string;
      readonly context?: string;
    },
  ): Promise<WebhookResult>;
  /** A voice note (`audio` with `voice: true`) or an image. */
  media(options: InboundOptions & { readonly type: 'audio' | 'image' }): Promise<WebhookResult>;
  /** Any message object, wrapped in the webhook envelope and signed. */
  message(payload: InboundMessagePayload, name?: string): Promise<WebhookResult>;
  /**
   * POST `raw` exactly as given: signed with the app secret unless `signature` is given (`null` leaves
   * the header out).
   */
  post(raw: string, signature?: string | null): Promise<WebhookResult>;
}

/** A sender of signed webhook deliveries for tests (see {@link WebhookSender}). */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const now = options.now ?? Date.now;
  const phoneNumberId = options.phoneNumberId ?? options.graph?.phoneNumberId ?? '106540352242922';

  const post = async (raw: string, signature?: string | null): Promise<WebhookResult> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const header = signature === undefined ? signWhatsAppBody(raw, options.appSecret) : signature;
    if (header !== null) headers['x-hub-signature-256'] = header;
    const response = await fetch(options.url, { method: 'POST', headers, body: raw });
    return { status: response.status, body: await response.text(), messageId: undefined };
  };

  const message = async (payload: InboundMessagePayload, name = 'Test User') => {
    options.graph?.userWrote(payload.from, Number(payload.timestamp) * 1000);
    const body = messagesWebhook({
      phoneNumberId,
      contacts: [{ waId: payload.from, name }],
      messages: [payload],
    });
    const result = await post(JSON.stringify(body));
    return { ...result, messageId: payload.id };
  };

  const base = (inbound: InboundOptions, type: string) => ({
    from: inbound.from,
    id: inbound.id ?? newMessageId(),
    timestamp: String(Math.floor((inbound.at ?? now()) / 1000)),
    type,
  });

  return {
    async verify(verifyToken, challenge, mode = 'subscribe') {
      const url = new URL(options.url);
      url.searchParams.set('hub.mode', mode);
      url.searchParams.set('hub.verify_token', verifyToken);
      url.searchParams.set('hub.challenge', challenge);
      const response = await fetch(url);
      return { status: response.status, body: await response.text(), messageId: undefined };
    },
    text: (inbound) => message({ ...base(inbound, 'text'), text: { body: inbound.body } }, inbound.name),
    buttonReply: (inbound) =>
      message(
        {
          ...base(inbound, 'interactive'),
          ...(inbound.context === undefined ? {} : { context: { from: '15550100000', id: inbound.context } }),
          interactive: { type: 'button_reply', button_reply: { id: inbound.buttonId, title: inbound.title } },
        },
        inbound.name,
      ),
    media: (inbound) =>
      message(
        inbound.type === 'audio'
          ? {
              ...base(inbound, 'audio'),
              audio: { id: '1234567890', mime_type: 'audio/ogg; codecs=opus', voice: true },
            }
          : { ...base(inbound, 'image'), image: { id: '9876543210', mime_type: 'image/jpeg' } },
        inbound.name,
      ),
    message,
    post,
  };
}
