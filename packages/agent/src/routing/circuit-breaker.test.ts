import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  const clock = () => {
    let now = 1_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('opens after repeated failures, lets one probe through after the cooldown, closes on success', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failures: 3, cooldownMs: 10_000, now: time.now });
    breaker.recordFailure('openai');
    breaker.recordFailure('openai');
    expect(breaker.state('openai')).toBe('closed');
    breaker.recordFailure('openai');
    expect(breaker.state('openai')).toBe('open');
    expect(breaker.tryAcquire('openai')).toBe(false);
    expect(breaker.tryAcquire('anthropic')).toBe(true);
    time.advance(10_000);
    expect(breaker.state('openai')).toBe('half-open');
    expect(breaker.tryAcquire('openai')).toBe(true);
    expect(breaker.tryAcquire('openai')).toBe(false);
    breaker.recordSuccess('openai');
    expect(breaker.state('openai')).toBe('closed');
  });

  it('a failed probe opens the circuit again at once', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failures: 2, cooldownMs: 5_000, now: time.now });
    breaker.recordFailure('llama');
    breaker.recordFailure('llama');
    time.advance(5_000);
    expect(breaker.tryAcquire('llama')).toBe(true);
    breaker.recordFailure('llama');
    expect(breaker.state('llama')).toBe('open');
    expect(breaker.retryInMs('llama')).toBe(5_000);
  });

  it('a long retry-after opens at once and for as long as asked', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failures: 3, cooldownMs: 1_000, now: time.now });
    breaker.recordFailure('openai', 60_000, true);
    expect(breaker.state('openai')).toBe('open');
    expect(breaker.retryInMs('openai')).toBe(60_000);
  });

  it('a released probe (cancelled request) lets the next one probe', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failures: 1, cooldownMs: 100, now: time.now });
    breaker.recordFailure('openai');
    time.advance(100);
    expect(breaker.tryAcquire('openai')).toBe(true);
    breaker.release('openai');
    expect(breaker.tryAcquire('openai')).toBe(true);
  });
});
