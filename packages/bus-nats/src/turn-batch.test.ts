import { describe, expect, it } from 'vitest';
import { TurnBatch } from './turn-batch';

describe('operations started together at the end of a turn', () => {
  it('starts the operations of one turn in one synchronous run, in order, and settles each as it settles', async () => {
    const batch = new TurnBatch();
    const started: string[] = [];
    let runs = 0;
    let inRun = false;
    const operation =
      (name: string, fails = false) =>
      () => {
        if (!inRun) {
          inRun = true;
          runs += 1;
          queueMicrotask(() => {
            inRun = false;
          });
        }
        started.push(name);
        return fails ? Promise.reject(new Error(name)) : Promise.resolve(name);
      };
    const first = batch.run(operation('a'));
    await Promise.resolve();
    const second = batch.run(operation('b', true));
    setTimeout(() => {}, 0);
    const third = batch.run(operation('c'));
    expect(started).toEqual([]);
    await expect(first).resolves.toBe('a');
    await expect(second).rejects.toThrow('b');
    await expect(third).resolves.toBe('c');
    expect(started).toEqual(['a', 'b', 'c']);
    expect(runs).toBe(1);
  });

  it('starts an operation of a later turn in a run of its own', async () => {
    const batch = new TurnBatch();
    const started: string[] = [];
    await batch.run(async () => started.push('first'));
    await batch.run(async () => started.push('second'));
    expect(started).toEqual(['first', 'second']);
  });
});
