import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids';

describe('RecentIds', () => {
  it('reports an id seen before, and forgets the oldest beyond its capacity', () => {
    const recent = new RecentIds(2);
    expect(recent.seen('a')).toBe(false);
    expect(recent.seen('a')).toBe(true);
    recent.add('b');
    recent.add('c');
    expect(recent.has('a')).toBe(false);
    expect(recent.has('b')).toBe(true);
    expect(recent.seen('c')).toBe(true);
    expect(recent.size).toBe(2);
  });

  it('refreshes an id added again, so it outlives older ones', () => {
    const recent = new RecentIds(2);
    recent.add('a');
    recent.add('b');
    recent.add('a');
    recent.add('c');
    expect(recent.has('a')).toBe(true);
    expect(recent.has('b')).toBe(false);
  });
});
