import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeltaBatcher } from './delta-batcher';

describe('DeltaBatcher', () => {
  let sent: [string, number][];
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const batcher = (intervalMs: number) =>
    new DeltaBatcher(intervalMs, (text, chunks) => sent.push([text, chunks]));

  it('sends the first chunk at once and joins the next ones until the interval has passed', () => {
    const deltas = batcher(50);
    deltas.push('Once');
    expect(sent).toEqual([['Once', 1]]);
    deltas.push(' upon');
    vi.advanceTimersByTime(20);
    deltas.push(' a');
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(30);
    expect(sent).toEqual([
      ['Once', 1],
      [' upon a', 2],
    ]);
    vi.advanceTimersByTime(60);
    deltas.push(' time');
    expect(sent.at(-1)).toEqual([' time', 1]);
  });

  it('holds no text longer than the interval, even when no further chunk comes', () => {
    const deltas = batcher(50);
    deltas.push('a');
    deltas.push('b');
    vi.advanceTimersByTime(49);
    expect(sent).toEqual([['a', 1]]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });

  it('flush sends what waits now and cancels the timer; nothing is sent twice or lost', () => {
    const deltas = batcher(50);
    deltas.push('a');
    deltas.push('b');
    deltas.push('');
    deltas.push('c');
    deltas.flush();
    deltas.flush();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([
      ['a', 1],
      ['bc', 2],
    ]);
  });

  it('with interval 0 sends every chunk as it comes', () => {
    const deltas = batcher(0);
    for (const chunk of ['a', 'b', 'c']) deltas.push(chunk);
    expect(sent).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
  });
});
