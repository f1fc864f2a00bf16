import { createMemoryBus } from '@switchboard/bus';
import { busContractSuite } from '@switchboard/bus/contract';
import { BoxMetrics } from './box-metrics';
import { instrumentBus } from './instrumented-bus';

// The counting wrapper is still a Bus: every guarantee of the contract holds through it (an option it
// failed to pass on, such as a dedupe key, would break one).
busContractSuite('memory, counted for /metrics', (options) =>
  instrumentBus(
    createMemoryBus(options),
    new BoxMetrics({ role: 'all', taskCounts: async () => ({}), breakers: () => [] }),
  ),
);
