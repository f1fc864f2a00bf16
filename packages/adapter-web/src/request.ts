import type { ConversationRef } from '@switchboard/core';

/** A validated body of `POST /api/messages`. */
export interface MessageRequest {
  /** The conversation's name; the web page and the terminal share `default`. */
  readonly conversation: string;
  readonly text: string;
}

/** A conversation's name: 1-64 letters, digits, dots, dashes or underscores. */
export const CONVERSATION_NAME = /^[\w.-]{1,64}$/;

/** What a route says when the conversation in its path is not a name. */
export const BAD_CONVERSATION_IN_PATH =
  'The conversation in the path must be 1-64 letters, digits, dots, dashes or underscores.';

/**
 * The conversation name of a `/api/conversations/{conversation}/<what>` URL, decoded; undefined when it
 * is not a name ({@link CONVERSATION_NAME}) or not decodable.
 */
export function conversationInPath(url: URL): string | undefined {
  try {
    const name = decodeURIComponent(url.pathname.split('/').at(-2) ?? '');
    return CONVERSATION_NAME.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The conversation a web chat name stands for: the owner's direct chat of that name. */
export function webConversation(name: string): ConversationRef {
  return { platform: 'web', account: 'local', channel: name, direct: true };
}

/** The longest message the API accepts, in characters. */
export const MAX_TEXT_LENGTH = 100_000;

/**
 * The largest body `POST /api/messages` accepts: 1 MiB. The longest valid body is about 600 kB (every
 * one of the 100,000 UTF-16 units escaped as `\uXXXX`, six bytes each), so no valid request is refused.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Validate a request body; returns a sentence saying what is wrong instead of throwing. */
export function parseMessageRequest(body: unknown): MessageRequest | { readonly error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { error: 'The body must be a JSON object such as {"text": "hello"}.' };
  }
  const { text, conversation } = body as Record<string, unknown>;
  if (typeof text !== 'string' || text.trim().length === 0)
    return { error: '"text" must be a non-empty string.' };
  if (text.length > MAX_TEXT_LENGTH) return { error: `"text" is longer than ${MAX_TEXT_LENGTH} characters.` };
  if (
    conversation !== undefined &&
    (typeof conversation !== 'string' || !CONVERSATION_NAME.test(conversation))
  ) {
    return { error: '"conversation" must be 1-64 letters, digits, dots, dashes or underscores.' };
  }
  return { conversation: conversation ?? 'default', text };
}
