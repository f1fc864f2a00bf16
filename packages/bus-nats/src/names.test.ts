import { describe, expect, it } from 'vitest';
import { busNames, laneToken, messageId, ownerToken } from './names';

const subjectToken = /^[A-Za-z0-9_-]+$/;

describe('names on the NATS server', () => {
  it('turns any ordering key and gateway id into one safe subject token, the same each time', () => {
    const key = 'slack:T1:C 1.x:*>#control';
    expect(laneToken(key)).toMatch(subjectToken);
    expect(laneToken(key)).toBe(laneToken(key));
    expect(laneToken(key)).not.toBe(laneToken('slack:T1:C 1.x:*>'));
    expect(ownerToken('gateway.a b>')).toMatch(subjectToken);
    expect(ownerToken('gateway.a b>')).not.toBe(ownerToken('gateway_a_b_'));
    expect(busNames('sb').repliesSubject('gw.1')).toBe(`sb.replies.${ownerToken('gw.1')}`);
  });

  it('uses the event id as the message id when it is a plain header value, else a stable hash', () => {
    expect(messageId('web:3f2a-1')).toBe('web:3f2a-1');
    const odd = 'web:key with spaces\r\nX-Injected: 1';
    expect(messageId(odd)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(messageId(odd)).toBe(messageId(odd));
  });
});
