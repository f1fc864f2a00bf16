import type { Bus, Config, InboundEvent, Job, Logger, PriceTable, RoutingSettings } from '@switchboard/core';
import type { Store } from '@switchboard/memory';
import type { ModelRegistry } from './model-registry';
import type { ReplyChannel } from './replies';
import type { ModelRunner } from './routing/attempts';
import type { RunningTasks } from './running-tasks';

/** What the agent is built from. */
export interface AgentDependencies {
  readonly store: Store;
  readonly models: ModelRegistry;
  readonly bus: Bus;
  readonly settings: Config['agent'];
  readonly access: Config['access'];
  readonly logger: Logger;
  /** Rules, budgets, timeouts and the circuit breaker; default `DEFAULT_ROUTING`. */
  readonly routing?: RoutingSettings;
  /** Prices per model; default `DEFAULT_PRICES`. */
  readonly prices?: PriceTable;
  /** Waits between retries of a model; tests pass a fast one. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Milliseconds now; tests pass a fake clock. */
  readonly now?: () => number;
}

/** Everything one command handler needs about the request it answers. */
export interface RequestContext {
  readonly event: InboundEvent;
  readonly job: Job;
  readonly identity: string;
  readonly args: string;
  readonly reply: ReplyChannel;
  readonly deps: AgentDependencies;
  readonly running: RunningTasks;
  /** The retry/fallback loop, with this worker's circuit breaker. */
  readonly runner: ModelRunner;
  readonly routing: RoutingSettings;
  readonly prices: PriceTable;
  readonly now: () => number;
}
