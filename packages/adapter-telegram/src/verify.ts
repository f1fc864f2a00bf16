import { createHash, timingSafeEqual } from 'node:crypto';

/** The header Telegram sends the webhook's `secret_token` in. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * True when the request carries the webhook secret. Compared in constant time (over SHA-256 digests, so
 * the length of the secret does not leak either).
 */
export function hasWebhookSecret(request: Request, secret: string): boolean {
  const given = request.headers.get(SECRET_HEADER);
  if (given === null || given.length === 0 || given.length > 256) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(secret));
}
