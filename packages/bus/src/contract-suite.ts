import type { Bus } from '@switchboard/core';
import { afterEach, describe } from 'vitest';
import { lifecycleContract } from './contract-lifecycle';
import { messagingContract } from './contract-messaging';
import { orderingContract } from './contract-ordering';
import { queueContract } from './contract-queue';

/** What the suite asks of the factory: every implementation must honour these. */
export interface BusFactoryOptions {
  /** The most events held at once (waiting and in flight); beyond it `enqueue` answers `busy`. */
  readonly queueLimit: number;
}

/** Makes a fresh, empty bus for one test. The suite closes it after the test. */
export type BusFactory = (options: BusFactoryOptions) => Promise<Bus> | Bus;

/** Tuning for slow implementations or machines. */
export interface BusContractOptions {
  /** How long to wait for something that must happen. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** How long to watch for something that must not happen (used by one test). Default 100 ms. */
  readonly settleMs?: number;
}

/** What each group of contract tests gets from {@link busContractSuite}. */
export interface ContractContext {
  /** A fresh bus, closed after the test; `queueLimit` defaults to 1000. */
  open(queueLimit?: number): Promise<Bus>;
  readonly timeoutMs: number;
  readonly settleMs: number;
}

/**
 * Register the Bus contract tests under `describe(\`Bus contract: ${name}\`)`. Call it from a test file of
 * each implementation:
 *
 * ```ts
 * busContractSuite('memory', (options) => createMemoryBus(options));
 * ```
 *
 * The tests use fresh event ids and conversations every run, wait on barriers rather than sleeps, and
 * each fails when the guarantee it names is broken.
 */
export function busContractSuite(
  name: string,
  createBus: BusFactory,
  options: BusContractOptions = {},
): void {
  describe(`Bus contract: ${name}`, () => {
    const opened: Bus[] = [];
    const context: ContractContext = {
      async open(queueLimit = 1000) {
        const bus = await createBus({ queueLimit });
        opened.push(bus);
        return bus;
      },
      timeoutMs: options.timeoutMs ?? 5000,
      settleMs: options.settleMs ?? 100,
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((bus) => bus.close()));
    });

    queueContract(context);
    orderingContract(context);
    messagingContract(context);
    lifecycleContract(context);
  });
}
