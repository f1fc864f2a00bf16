import {
  type Bus,
  type Config,
  DEFAULT_MEMORY_SETTINGS,
  DEFAULT_PRICES,
  type Embedder,
  type Logger,
  type MemorySettings,
  type PriceTable,
  type RoutingSettings,
} from '@switchboard/core';
import type {
  ApprovalStore,
  BudgetStore,
  ConversationStore,
  Lease,
  LongTermMemoryStore,
  MessageStore,
  PeopleStore,
  PrivacyStore,
  ScheduleStore,
  TaskLifecycleStore,
  TaskStepStore,
  TaskStore,
  ToolPinStore,
  UsageStore,
} from '@switchboard/memory';
import { type AccessPolicy, createAccessPolicy } from './access';
import { BackgroundWork } from './memory/background';
import { QuietTimers, type Scheduler } from './memory/quiet-timers';
import type { ModelRegistry } from './model-registry';
import { ModelRunner } from './routing/attempts';
import { CircuitBreaker } from './routing/circuit-breaker';
import { DEFAULT_ROUTING } from './routing/defaults';
import { type BackgroundTiming, DEFAULT_BACKGROUND_TIMING } from './tasks/background';
import { PendingEndings } from './tasks/endings';
import { DEFAULT_LEASE_MS, newLeaseOwner } from './tasks/lease';
import { LeaseKeeper } from './tasks/lease-keeper';
import { RunningTasks } from './tasks/running';
import { agentTools, type TaskRequest } from './tools/agent-tools';
import { memoryTools } from './tools/memory-tools';
import { createToolServices, type ToolDependencies, type ToolServices } from './tools/tool-services';

/** The parts of the store the agent uses: everything but the connection's own life (ping, migrate, close). */
export type AgentStore = ConversationStore &
  TaskStore &
  TaskLifecycleStore &
  UsageStore &
  BudgetStore &
  MessageStore &
  PeopleStore &
  LongTermMemoryStore &
  PrivacyStore &
  ApprovalStore &
  TaskStepStore &
  ScheduleStore &
  ToolPinStore;

/** What the agent is built from. */
export interface AgentDependencies {
  readonly store: AgentStore;
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
  /** Starts the agent's timers (extraction once a conversation is quiet); tests pass one they fire. */
  readonly schedule?: Scheduler;
  /** Long-term memory settings; default {@link DEFAULT_MEMORY_SETTINGS}. */
  readonly memory?: MemorySettings;
  /** Embeds memories and questions for vector recall (`EMBEDDING_MODEL`); words only when left out. */
  readonly embedder?: Embedder;
  /** The box's web address, for links such as `/export`'s; links are relative when left out. */
  readonly webUrl?: string;
  /** The tools the model may call; without them (or with none registered) no tools are offered. */
  readonly tools?: ToolDependencies;
  /** When a task goes on in the background and how often it reports there; default 20 s and 60 s. */
  readonly taskTiming?: Partial<BackgroundTiming>;
  /**
   * The lease this process holds its tasks under (`host:pid:boot` and how long it holds unrenewed);
   * the box passes the one its gateway records tasks with. Default: a new owner, 30 s.
   */
  readonly lease?: Lease;
}

/**
 * What every request of one agent shares: the dependencies with their defaults filled in, the access
 * policy, the tasks this worker runs, and the retry loop with its circuit breaker. Built once per agent.
 */
export interface AgentServices {
  readonly store: AgentStore;
  readonly models: ModelRegistry;
  readonly bus: Bus;
  readonly settings: Config['agent'];
  readonly logger: Logger;
  readonly access: AccessPolicy;
  readonly running: RunningTasks;
  /** The retry/fallback loop, with this worker's circuit breaker. */
  readonly runner: ModelRunner;
  readonly routing: RoutingSettings;
  readonly prices: PriceTable;
  readonly now: () => number;
  readonly memory: MemorySettings;
  readonly embedder: Embedder | undefined;
  readonly webUrl: string | undefined;
  /** Work after answers (rolling summaries, fact extraction). */
  readonly background: BackgroundWork;
  /** One timer per conversation, run once it has been quiet (`MEMORY_EXTRACT`). */
  readonly quiet: QuietTimers;
  /** The tools, their workspace and the approvals waited for; `undefined` when no tools are offered. */
  readonly tools: ToolServices | undefined;
  /** When a task goes on in the background, and how often it reports progress there. */
  readonly taskTiming: BackgroundTiming;
  /** The requests of the tasks running on this worker, by task id (what the agent's own tools act for). */
  readonly requests: Map<string, TaskRequest>;
  /** The lease this worker claims tasks under. */
  readonly lease: Lease;
  /** Task endings waiting for the database (an outage). */
  readonly endings: PendingEndings;
  /** Renews this worker's leases and ends the waiting endings. */
  readonly keeper: LeaseKeeper;
}

/** Fill in the defaults and build the shared parts. */
export function createServices(deps: AgentDependencies): AgentServices {
  const now = deps.now ?? Date.now;
  const routing = deps.routing ?? DEFAULT_ROUTING;
  const breaker = new CircuitBreaker({
    failures: routing.breakerFailures,
    cooldownMs: routing.breakerCooldownMs,
    now,
  });
  const runner = new ModelRunner({
    models: (ref) => deps.models.get(ref),
    breaker,
    timeouts: { firstTokenMs: routing.firstTokenTimeoutMs, idleMs: routing.idleTimeoutMs },
    runFirstTokenMs: routing.turnFirstTokenTimeoutMs,
    now,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  const lease = deps.lease ?? { owner: newLeaseOwner(), ms: DEFAULT_LEASE_MS };
  const endings = new PendingEndings(deps.logger);
  const memory = deps.memory ?? DEFAULT_MEMORY_SETTINGS;
  const requests = new Map<string, TaskRequest>();
  return {
    lease,
    endings,
    keeper: new LeaseKeeper(deps.store, lease, endings, deps.logger),
    store: deps.store,
    models: deps.models,
    bus: deps.bus,
    settings: deps.settings,
    logger: deps.logger,
    access: createAccessPolicy(deps.access),
    running: new RunningTasks(),
    runner,
    routing,
    prices: deps.prices ?? DEFAULT_PRICES,
    now,
    memory,
    embedder: deps.embedder,
    webUrl: deps.webUrl,
    background: new BackgroundWork(),
    quiet: new QuietTimers(deps.schedule),
    tools: createToolServices(deps.tools, [
      ...(deps.tools?.memoryTools === false
        ? []
        : memoryTools({ store: deps.store, embedder: deps.embedder, logger: deps.logger, memory })),
      ...(deps.tools?.agentTools ? agentTools({ store: deps.store, now, requests }) : []),
    ]),
    requests,
    taskTiming: { ...DEFAULT_BACKGROUND_TIMING, ...deps.taskTiming },
  };
}
