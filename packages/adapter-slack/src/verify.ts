import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from now, either way, in seconds (Slack: 5 minutes). */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

/** The outcome of {@link verifySlackRequest}; `reason` is safe to log (it holds no secret or body). */
export type Verification = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** What {@link verifySlackRequest} checks. */
export interface SignedRequest {
  readonly signingSecret: string;
  /** The body exactly as received, before any parsing. */
  readonly rawBody: Uint8Array;
  /** `X-Slack-Request-Timestamp`. */
  readonly timestamp: string | null;
  /** `X-Slack-Signature`. */
  readonly signature: string | null;
  /** Milliseconds since the epoch. */
  readonly nowMs: number;
}

/**
 * Verify Slack's request signature over the raw body: `v0=` + HMAC-SHA256(secret, `v0:<ts>:<body>`),
 * compared in constant time. Timestamps more than 5 minutes from now in either direction are refused:
 * Bolt's own check only refuses old ones, which lets a captured request signed with a future
 * timestamp be replayed for as long as that timestamp stays ahead.
 */
export function verifySlackRequest(request: SignedRequest): Verification {
  const { timestamp, signature } = request;
  if (timestamp === null || timestamp === '')
    return { ok: false, reason: 'missing X-Slack-Request-Timestamp' };
  if (signature === null || signature === '') return { ok: false, reason: 'missing X-Slack-Signature' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed X-Slack-Request-Timestamp' };
  const skew = Math.floor(request.nowMs / 1000) - Number(timestamp);
  if (Math.abs(skew) > TIMESTAMP_TOLERANCE_SECONDS) {
    return {
      ok: false,
      reason: `timestamp ${skew > 0 ? 'older' : 'newer'} than 5 minutes (${Math.abs(skew)} s away)`,
    };
  }
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'malformed X-Slack-Signature' };
  const hmac = createHmac('sha256', request.signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(request.rawBody);
  const expected = Buffer.from(`v0=${hmac.digest('hex')}`, 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'signature mismatch' };
  }
  return { ok: true };
}
