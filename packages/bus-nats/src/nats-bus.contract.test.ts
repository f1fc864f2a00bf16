import { busContractSuite } from '@switchboard/bus/contract';
import { afterAll, describe } from 'vitest';
import { natsUrl, reportSkip, TestBuses } from './test-support';

reportSkip('nats-bus.contract.test.ts');

describe.skipIf(!natsUrl)('the NATS bus against a real server', () => {
  const buses = new TestBuses();
  afterAll(() => buses.cleanup());

  busContractSuite('nats', ({ queueLimit }) => buses.open({ queueLimit }), {
    timeoutMs: 10_000,
    settleMs: 300,
  });
});
