import { describe, expect, it } from 'vitest';
import { markedAnswer } from '../../packages/testkit/src/fake-openai/index';
import { KILL_PHASES, type KillPhase, planKill } from './kill-plan';
import { createRandom } from './random';

describe('kill plans', () => {
  const answer = markedAnswer('req-k1-w1', { words: { min: 40, max: 40 }, delayMs: { min: 30, max: 30 } });
  const end = 100 + answer.durationMs;
  const plans = (seed: number) => {
    const random = createRandom(seed);
    return Array.from({ length: 400 }, () => planKill(random, answer));
  };

  it('are the same for the same seed, and differ for another', () => {
    expect(plans(5)).toEqual(plans(5));
    expect(plans(6)).not.toEqual(plans(5));
  });

  it('aim at every phase, each within its window', () => {
    const windows: Record<KillPhase, readonly [number, number]> = {
      'before-ack': [0, 40],
      accepting: [40, 300],
      'mid-answer': [300, end - 150],
      'final-delivery': [end - 150, end + 350],
    };
    const all = plans(11);
    for (const phase of KILL_PHASES) {
      const delays = all.filter((plan) => plan.phase === phase).map((plan) => plan.delayMs);
      expect(delays.length).toBeGreaterThan(40);
      const [from, to] = windows[phase];
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(from);
      expect(Math.max(...delays)).toBeLessThanOrEqual(to);
    }
  });

  it('shuffle and pick only what they are given', () => {
    const random = createRandom(3);
    const items = ['a', 'b', 'c', 'd'];
    expect([...random.shuffle(items)].sort()).toEqual(items);
    expect(items).toContain(random.pick(items));
    expect(() => random.pick([])).toThrow(/empty/);
  });
});
