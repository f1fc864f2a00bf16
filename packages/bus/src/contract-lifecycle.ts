import { deferred } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { abortedWithin, EventFactory } from './contract-fixtures';
import type { ContractContext } from './contract-suite';

/** Shutting down. */
export function lifecycleContract(context: ContractContext): void {
  const { timeoutMs } = context;

  describe('close', () => {
    it('aborts running jobs and resolves once their handlers have settled; a second close resolves too', async () => {
      const bus = await context.open();
      const events = new EventFactory();
      const started = deferred<void>();
      let sawAbort: boolean | undefined;
      let settled = false;
      bus.work(
        async (_event, job) => {
          started.resolve();
          sawAbort = await abortedWithin(job.signal, timeoutMs);
          // Cleanup after the abort takes a moment; close must wait for it.
          await new Promise((resolve) => setTimeout(resolve, 20));
          settled = true;
        },
        { concurrency: 1 },
      );
      expect(await bus.enqueue(events.message('long', 'c1'))).toEqual({ status: 'accepted' });
      await started.promise;

      await bus.close();
      expect(sawAbort).toBe(true);
      expect(settled).toBe(true);
      await expect(bus.close()).resolves.toBeUndefined();
    });
  });
}
