import { deadlineSignal, PlatformError } from '@switchboard/core';
import { graphFailure } from './errors';

/** The longest one Graph call may take before it counts as a network failure. */
const CALL_TIMEOUT_MS = 20_000;

/** A reply button as the Cloud API takes it. */
export interface ReplyButton {
  readonly id: string;
  readonly title: string;
}

/** What {@link GraphClient} needs. */
export interface GraphOptions {
  /** The Graph API base including its version, without a trailing slash. */
  readonly graphUrl: string;
  readonly token: string;
  readonly phoneNumberId: string;
}

/** The business phone number, as `GET /{phone-number-id}` describes it. */
export interface PhoneNumberInfo {
  readonly id: string;
  readonly displayPhoneNumber: string | undefined;
  readonly verifiedName: string | undefined;
}

/**
 * The few Cloud API calls the adapter makes, over plain `fetch`. Each failed call throws a
 * `PlatformError` (see `graphFailure`); network failures and timeouts are retryable ones.
 */
export class GraphClient {
  readonly #options: GraphOptions;

  constructor(options: GraphOptions) {
    this.#options = options;
  }

  /** Send a text message; resolves with its `wamid`. */
  sendText(to: string, body: string, signal?: AbortSignal): Promise<string> {
    return this.#send('sendText', { to, type: 'text', text: { preview_url: false, body } }, signal);
  }

  /** Send a message with up to three reply buttons. */
  sendButtons(
    to: string,
    body: string,
    buttons: readonly ReplyButton[],
    signal?: AbortSignal,
  ): Promise<string> {
    return this.#send(
      'sendButtons',
      {
        to,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: body },
          action: { buttons: buttons.map((button) => ({ type: 'reply', reply: button })) },
        },
      },
      signal,
    );
  }

  /** Send a pre-approved template (allowed outside the 24-hour window). */
  sendTemplate(to: string, name: string, language: string, signal?: AbortSignal): Promise<string> {
    return this.#send(
      'sendTemplate',
      { to, type: 'template', template: { name, language: { code: language } } },
      signal,
    );
  }

  /** Mark `messageId` read and show "typing…" for up to 25 s (or until the next message). */
  async typing(messageId: string, signal?: AbortSignal): Promise<void> {
    await this.#call(
      'typing',
      'POST',
      '/messages',
      {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: messageId,
        typing_indicator: { type: 'text' },
      },
      signal,
    );
  }

  /** `GET /{phone-number-id}`: a cheap call that proves the token and the id. */
  async phoneNumber(signal?: AbortSignal): Promise<PhoneNumberInfo> {
    const body = (await this.#call('phoneNumber', 'GET', '', undefined, signal)) as Record<string, unknown>;
    return {
      id: typeof body['id'] === 'string' ? body['id'] : this.#options.phoneNumberId,
      displayPhoneNumber:
        typeof body['display_phone_number'] === 'string' ? body['display_phone_number'] : undefined,
      verifiedName: typeof body['verified_name'] === 'string' ? body['verified_name'] : undefined,
    };
  }

  async #send(method: string, message: Record<string, unknown>, signal?: AbortSignal): Promise<string> {
    const body = (await this.#call(
      method,
      'POST',
      '/messages',
      { messaging_product: 'whatsapp', recipient_type: 'individual', ...message },
      signal,
    )) as { messages?: { id?: unknown }[] };
    const id = body.messages?.[0]?.id;
    if (typeof id !== 'string')
      throw new PlatformError({
        code: 'whatsapp_bad_answer',
        method,
        retryable: false,
        message: 'WhatsApp answered without a message id.',
      });
    return id;
  }

  async #call(
    method: string,
    verb: 'GET' | 'POST',
    path: string,
    payload: unknown,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const deadline = deadlineSignal(signal ?? new AbortController().signal, CALL_TIMEOUT_MS);
    try {
      const url = `${this.#options.graphUrl}/${encodeURIComponent(this.#options.phoneNumberId)}${path}`;
      let response: Response;
      try {
        response = await fetch(url, {
          method: verb,
          headers: {
            authorization: `Bearer ${this.#options.token}`,
            ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
          signal: deadline.signal,
        });
      } catch (error) {
        signal?.throwIfAborted();
        throw new PlatformError({
          code: 'whatsapp_unreachable',
          method,
          retryable: true,
          message: `The WhatsApp Graph API at ${new URL(this.#options.graphUrl).host} cannot be reached (${error instanceof Error ? error.message : String(error)}).`,
          cause: error,
        });
      }
      const text = await response.text();
      let body: unknown;
      try {
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (!response.ok) throw graphFailure(method, response.status, body);
      return body ?? {};
    } finally {
      deadline.dispose();
    }
  }
}
