import { describe, expect, it } from 'vitest';
import { deferred, raceAbort } from './async';

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
