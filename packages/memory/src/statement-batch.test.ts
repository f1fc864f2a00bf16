import { describe, expect, it } from 'vitest';
import { StatementBatch } from './statement-batch';

/** A batch over a fake statement that records each call and fails for items named "bad". */
function recordingBatch() {
  const calls: string[][] = [];
  const batch = new StatementBatch<string, string>(
    async (items) => {
      calls.push([...items]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (items.some((item) => item.startsWith('bad'))) throw new Error('statement failed');
      return items.map((item) => `done ${item}`);
    },
    (item) => item.split('#')[0] ?? item,
  );
  return { batch, calls };
}

describe('statements for many items', () => {
  it('sends the items of one turn as one statement, and those that came meanwhile as the next', async () => {
    const { batch, calls } = recordingBatch();
    const first = [batch.add('a'), batch.add('b'), batch.add('c')];
    await new Promise((resolve) => setTimeout(resolve, 1));
    const second = [batch.add('d'), batch.add('e')];
    expect(await Promise.all([...first, ...second])).toEqual([
      'done a',
      'done b',
      'done c',
      'done d',
      'done e',
    ]);
    expect(calls).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
  });

  it('never carries one key twice in a statement: the second waits for the next', async () => {
    const { batch, calls } = recordingBatch();
    await Promise.all([batch.add('t1#first'), batch.add('t1#second'), batch.add('t2')]);
    expect(calls).toEqual([['t1#first', 't2'], ['t1#second']]);
  });

  it('tries each item of a failed statement alone, so only the bad one fails', async () => {
    const { batch, calls } = recordingBatch();
    const results = await Promise.allSettled([batch.add('a'), batch.add('bad'), batch.add('c')]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(calls).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('says when everything handed over is settled', async () => {
    const { batch } = recordingBatch();
    let done = 0;
    for (const item of ['a', 'b']) void batch.add(item).then(() => (done += 1));
    await batch.settled();
    expect(done).toBe(2);
  });
});
