import { describe, expect, it } from 'vitest';
import { RunningTasks } from './running';

describe('running tasks', () => {
  it('cancels a task that was still queued as soon as it starts', async () => {
    const running = new RunningTasks();
    expect(running.cancel('queued-task', 'cancelled by telegram:1')).toBe(false);
    const reason = await running.run('queued-task', 'conversation', async (signal) =>
      signal.aborted ? String((signal.reason as Error).message) : 'ran',
    );
    expect(reason).toBe('cancelled by telegram:1');
    expect(await running.run('queued-task', 'conversation', async (signal) => signal.aborted)).toBe(false);
  });
});
