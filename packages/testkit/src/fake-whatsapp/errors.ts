import { randomBytes } from 'node:crypto';
import type { GraphErrorBody } from './types';

/** What Meta answers for each error code the fake can produce: HTTP status, type, title and details. */
const CATALOGUE: Readonly<Record<number, { status: number; title: string; details: string }>> = {
  100: { status: 400, title: 'Invalid parameter', details: 'A parameter of the request is invalid.' },
  190: {
    status: 401,
    title: 'Invalid OAuth access token - Cannot parse access token',
    details: 'The access token is invalid or has expired.',
  },
  130429: {
    status: 400,
    title: 'Rate limit hit',
    details: 'Cloud API message throughput has been reached.',
  },
  131026: {
    status: 400,
    title: 'Message Undeliverable',
    details:
      'Unable to deliver message. The recipient may not be a WhatsApp user or has not accepted the terms.',
  },
  131047: {
    status: 400,
    title: 'Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  131056: {
    status: 400,
    title: '(Business Account, Consumer Account) pair rate limit hit',
    details:
      'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.',
  },
};

/** A Graph API error answer for `code`, shaped like Meta's. */
export function graphError(code: number, details?: string): { status: number; body: GraphErrorBody } {
  const entry = CATALOGUE[code] ?? { status: 400, title: 'Unknown error', details: 'Unknown error.' };
  return {
    status: entry.status,
    body: {
      error: {
        message: `(#${code}) ${entry.title}`,
        type: 'OAuthException',
        code,
        error_data: { messaging_product: 'whatsapp', details: details ?? entry.details },
        fbtrace_id: randomBytes(9).toString('base64url'),
      },
    },
  };
}
