import { describe, expect, it } from 'vitest';
import { deadlineSignal, deferred, raceAbort } from './async';

describe('raceAbort', () => {
  it('resolves with the promise when the signal never aborts', async () => {
    await expect(raceAbort(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    await expect(raceAbort(Promise.reject(new Error('boom')), undefined)).rejects.toThrow('boom');
  });
  it('rejects with the reason as soon as the signal aborts, before the promise settles', async () => {
    const controller = new AbortController();
    const never = deferred<number>();
    const raced = raceAbort(never.promise, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(raced).rejects.toThrow('stopped');
  });
  it('rejects at once for a signal already aborted', async () => {
    await expect(raceAbort(Promise.resolve(1), AbortSignal.abort(new Error('early')))).rejects.toThrow(
      'early',
    );
  });
});

describe('deadlineSignal', () => {
  it('aborts with a TimeoutError after its time, or with its parent first, and not once disposed', async () => {
    const timed = deadlineSignal(new AbortController().signal, 20);
    await new Promise((resolve) => timed.signal.addEventListener('abort', resolve));
    expect((timed.signal.reason as DOMException).name).toBe('TimeoutError');

    const parent = new AbortController();
    const early = deadlineSignal(parent.signal, 60_000);
    parent.abort('cancelled');
    expect(early.signal.reason).toBe('cancelled');
    early.dispose();

    const disposed = deadlineSignal(new AbortController().signal, 10);
    disposed.dispose();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(disposed.signal.aborted).toBe(false);
  });
});
