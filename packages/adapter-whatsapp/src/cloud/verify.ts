import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * True when `header` (`X-Hub-Signature-256: sha256=<hex>`) is the HMAC-SHA256 of exactly these bytes
 * under the app secret. Compared in constant time; anything malformed is false.
 */
export function hasValidSignature(rawBody: Uint8Array, header: string | null, appSecret: string): boolean {
  if (header === null) return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (match?.[1] === undefined) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}

/** True when `given` equals `expected`, compared in constant time. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHmac('sha256', 'compare').update(given).digest();
  const b = createHmac('sha256', 'compare').update(expected).digest();
  return timingSafeEqual(a, b);
}
