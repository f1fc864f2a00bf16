import type { Bus, Config, InboundEvent, Job, Logger } from '@switchboard/core';
import type { Store } from '@switchboard/memory';
import type { ModelRegistry } from './model-registry';
import type { ReplyChannel } from './replies';
import type { RunningTasks } from './running-tasks';

/** What the agent is built from. */
export interface AgentDependencies {
  readonly store: Store;
  readonly models: ModelRegistry;
  readonly bus: Bus;
  readonly settings: Config['agent'];
  readonly access: Config['access'];
  readonly logger: Logger;
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
  readonly now: () => number;
}
