import type { ServerType } from '@hono/node-server';
import {
  type Agent,
  createAgent,
  createScheduler,
  DEFAULT_LEASE_MS,
  ModelRegistry,
  newLeaseOwner,
} from '@switchboard/agent';
import { createDeliveryEngine } from '@switchboard/chat';
import {
  type Bus,
  type ChatAdapter,
  type Config,
  createLogger,
  describeError,
  type Logger,
  sleep,
} from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { Hono } from 'hono';
import { type AdapterContext, createAdapters } from './adapters';
import { createBoxBus } from './box-bus';
import { createEmbedder } from './embedder';
import { createGateway } from './gateway';
import { memoryRoutes } from './http/memory-routes';
import { messagesApiRoute } from './http/messages-api';
import { tasksApiRoutes } from './http/tasks-api';
import { createHttpApp, type Health, listen } from './http-server';
import { listenError, StartCancelledError } from './lifecycle/startup-errors';
import { deadlinesWithin, Teardown } from './lifecycle/teardown';
import { BoxMetrics } from './metrics/box-metrics';
import { instrumentBus } from './metrics/instrumented-bus';
import { metricsRoute } from './metrics/route';
import { createOutboxJournal } from './outbox';
import { createProviders } from './providers';
import { createRecovery } from './recovery';
import { startRetention } from './retention';
import { ModelStates } from './status/models';
import { platformReports } from './status/platforms';
import { type BoxPhase, type BoxReport, boxReport } from './status/report';
import { createBoxTools } from './tools';

/** A running box: every part wired in one process. */
export interface Box {
  /** The base URL of the HTTP server. */
  readonly url: string;
  readonly store: Store;
  readonly bus: Bus;
  readonly models: ModelRegistry;
  readonly logger: Logger;
  /** What `GET /metrics` serves. */
  readonly metrics: BoxMetrics;
  /** Every platform and model with its state now (what `/healthz` and the banner show). */
  report(): BoxReport;
  /**
   * Stop taking new work, let running answers finish, then release everything; never takes longer
   * than `graceMs` (default `SHUTDOWN_GRACE_SECONDS`): a part still stopping then is abandoned.
   */
  stop(options?: { readonly graceMs?: number }): Promise<StopReport>;
}

/** How a stop went. */
export interface StopReport {
  /** False when answers were still running at the end of the drain and were cancelled. */
  readonly drained: boolean;
  /** Parts that did not stop within the grace period (a platform that stopped answering). */
  readonly abandoned: readonly string[];
}

/** Options for tests and embedding. */
export interface BoxOptions {
  readonly logger?: Logger;
  /** Listen on this port instead of the configured one (0 picks a free port). */
  readonly port?: number;
  /** The clock adapters use for platform deadlines (Discord's 15-minute interaction tokens); tests pass a fake one. */
  readonly clock?: () => number;
  /** WhatsApp web mode's client factory and QR display (tests pass a fake whatsapp-web.js client). */
  readonly whatsappWeb?: AdapterContext['whatsappWeb'];
  /** Aborting it cancels a start in progress (SIGINT or SIGTERM during a model download). */
  readonly signal?: AbortSignal;
}

/** The share of the grace period running answers get before they are cancelled. */
const DRAIN_SHARE = 0.6;

/** `{ [name]: value }`, or nothing when the value is undefined (for optional properties). */
const optional = <K extends string, V>(name: K, value: V | undefined) =>
  (value === undefined ? {} : { [name]: value }) as Partial<Record<K, V>>;

const STARTING = { error: { code: 'starting', message: 'The box is starting; try again in a moment.' } };

/**
 * Start the whole box, claiming the port first (a port in use fails at once), then the local model
 * files, the database, models, bus, agent worker and every platform. A start that fails releases
 * everything it took before it rejects, so the next start finds the port and the data folder free.
 */
export async function startBox(config: Config, options: BoxOptions = {}): Promise<Box> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const teardown = new Teardown(logger);
  const cancelled = options.signal ?? new AbortController().signal;
  const checkpoint = () => {
    if (cancelled.aborted) throw new StartCancelledError();
  };
  let phase: BoxPhase = 'starting';
  let store: Store | undefined;
  let agent: Agent | undefined;
  let states: ModelStates | undefined;
  let registry: ModelRegistry | undefined;
  let busKind: 'memory' | 'nats' | 'starting' = 'starting';
  const began = Date.now();
  const phaseDone = (what: string) => logger.debug({ ms: Date.now() - began }, `start-up: ${what}`);
  const { role } = config.deployment;
  const runsPlatforms = role !== 'worker';
  const runsAgents = role !== 'gateway';
  logger.info({ port: options.port ?? config.http.port, role }, 'switchboard starting');
  try {
    const adapters: ChatAdapter[] = runsPlatforms
      ? createAdapters(config, logger, {
          models: () => registry?.list().map((model) => model.ref) ?? [],
          ...(options.clock ? { now: options.clock } : {}),
          ...(options.whatsappWeb ? { whatsappWeb: options.whatsappWeb } : {}),
        })
      : [];
    const metrics = new BoxMetrics({
      role,
      taskCounts: () => (store ? store.countTasksByStatus() : Promise.resolve({})),
      breakers: () =>
        (agent?.circuits() ?? []).map((circuit) => ({ model: circuit.key, open: circuit.state === 'open' })),
    });
    const report = (): BoxReport =>
      boxReport(phase, platformReports(config, adapters, phase !== 'starting'), states?.reports() ?? []);
    const health = async (): Promise<Health> => {
      const current = report();
      const database = await databaseHealth(store);
      const serving = current.status === 'ready' || current.status === 'degraded';
      return {
        ok: serving && database !== 'unreachable',
        status: current.status,
        role,
        bus: busKind,
        database,
        running: agent?.runningCount ?? 0,
        models: current.models,
        platforms: current.platforms,
      };
    };

    const app = createHttpApp({
      routes: [
        ...adapters.flatMap((adapter) => adapter.routes?.() ?? []),
        metricsRoute(metrics, config.http.apiToken),
        ...memoryRoutes({ store: () => store, apiToken: config.http.apiToken }),
        ...tasksApiRoutes({ store: () => store, apiToken: config.http.apiToken }),
        messagesApiRoute({ store: () => store, apiToken: config.http.apiToken }),
      ],
      owner: {
        listenHost: config.http.host,
        allowedHosts: config.http.allowedHosts,
        allowedOrigins: config.http.allowedOrigins,
      },
      health,
    });
    const gate = new Hono();
    gate.all('*', (c) =>
      phase !== 'starting' || c.req.path === '/healthz' ? app.fetch(c.req.raw, c.env) : c.json(STARTING, 503),
    );
    const port = options.port ?? config.http.port;
    let server: ServerType;
    let boundPort: number;
    try {
      ({ server, port: boundPort } = await listen(gate, config.http.host, port));
    } catch (error) {
      throw listenError(error, config.http.host, port);
    }
    teardown.add('the HTTP server', 'local', () => closeServer(server));
    phaseDone('listening');
    checkpoint();

    const providers = runsAgents ? await createProviders(config, { logger, signal: cancelled }) : [];
    teardown.add('the models', 'local', () => Promise.all(providers.map((provider) => provider.close?.())));
    const models = new ModelRegistry(providers, {
      defaultRef: config.models.default,
      fallbacks: config.models.fallbacks,
      aliases: config.routing.aliases,
      hardModel: config.routing.hardModel,
    });
    registry = models;
    const modelStates = new ModelStates(providers, () => models.defaultRef);
    states = modelStates;
    modelStates.watch();
    teardown.add('the model checks', 'local', () => modelStates.close());
    phaseDone('models found');
    checkpoint();

    const opened = await openStore({
      dataDir: config.dataDir,
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    });
    store = opened;
    teardown.add('the database', 'local', () => opened.close());
    phaseDone('database open');
    checkpoint();

    const graceMs = config.shutdownGraceMs;
    const boxBus = await createBoxBus(config, logger, Math.max(500, Math.floor(graceMs / 4)), opened);
    const bus = instrumentBus(boxBus.bus, metrics);
    busKind = boxBus.kind;
    phaseDone(`bus ${boxBus.kind}`);
    checkpoint();
    const byPlatform = new Map(adapters.map((adapter) => [adapter.platform, adapter]));
    const lease = { owner: newLeaseOwner(), ms: DEFAULT_LEASE_MS };
    const journal = createOutboxJournal(opened, logger);
    teardown.add('the outbox journal', 'local', () => journal.flush());
    const delivery = createDeliveryEngine({
      adapterFor: (platform) => byPlatform.get(platform),
      logger,
      closeTimeoutMs: Math.max(500, Math.floor(graceMs / 4)),
      onRetry: (retry) => metrics.retried(retry),
      journal,
    });
    const platformsStop = new AbortController();
    const cancelPlatforms = () => platformsStop.abort();
    cancelled.addEventListener('abort', cancelPlatforms, { once: true });
    const gateway = createGateway({
      id: boxBus.gatewayId,
      bus,
      adapters,
      delivery,
      logger,
      signal: platformsStop.signal,
      retryAfterShutdownMs: graceMs,
      inbox: { store: opened, lease, taskStatus: boxBus.kind === 'memory' ? 'running' : 'queued' },
    });
    if (runsPlatforms) teardown.add('the platforms', 'remote', (deadline) => gateway.stop(deadline));
    teardown.add('the bus', 'remote', () => bus.close());
    const tools = await createBoxTools(config, logger, { runsAgents });
    teardown.add('the MCP servers', 'local', () => tools.close());
    const runningAgent = createAgent({
      ...(tools.dependencies ? { tools: tools.dependencies } : {}),
      taskTiming: { foregroundMs: config.tools.taskForegroundMs, progressMs: config.tools.taskProgressMs },
      store: opened,
      models,
      bus,
      settings: config.agent,
      access: config.access,
      logger,
      routing: config.routing,
      prices: config.pricing.prices,
      memory: config.memory,
      ...optional('embedder', createEmbedder(config, logger, models.list())),
      webUrl: `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${boundPort}`,
      lease,
    });
    agent = runningAgent;
    if (runsAgents) {
      teardown.add('memory retention', 'local', startRetention(opened, config.memory.retentionDays, logger));
    }
    const handBack = boxBus.kind === 'nats';
    const worker = runsAgents
      ? agentWorker(bus, runningAgent, config.agent.concurrency, handBack)
      : undefined;
    if (worker) teardown.add('the agent worker', 'local', worker.close);
    if (runsPlatforms) await gateway.start();
    cancelled.removeEventListener('abort', cancelPlatforms);
    checkpoint();
    if (runsPlatforms) {
      const recovery = createRecovery({ store: opened, lease, gateway, logger });
      teardown.add('task recovery', 'local', () => recovery.stop());
      const recovered = await recovery.sweep();
      if (recovered > 0) logger.info({ recovered }, 'recovered tasks interrupted by an earlier stop');
      recovery.start(lease.ms);
      const scheduler = createScheduler({
        store: opened,
        now: Date.now,
        logger,
        fire: (event) => gateway.submit(event),
      });
      teardown.add('the scheduler', 'local', () => scheduler.stop());
      scheduler.start(config.tools.scheduleTickMs);
    }
    phase = 'running';
    const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
    const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${boundPort}`;
    logger.info(
      { url, database: opened.driver, status: report().status, ms: Date.now() - began },
      'switchboard started',
    );

    let stopping: Promise<StopReport> | undefined;
    return {
      url,
      store: opened,
      bus,
      models,
      logger,
      metrics,
      report,
      stop(stopOptions = {}) {
        stopping ??= (async () => {
          const grace = stopOptions.graceMs ?? graceMs;
          const started = Date.now();
          phase = 'stopping';
          gateway.refuseNewWork();
          logger.info({ graceMs: grace, running: runningAgent.runningCount }, 'switchboard stopping');
          const drainDeadline = started + Math.floor(grace * DRAIN_SHARE);
          const drained = runsPlatforms
            ? await gateway.drained(drainDeadline)
            : await workerDrained(worker, runningAgent, drainDeadline);
          if (!drained) {
            logger.warn(
              handBack
                ? 'answers still running when the drain ended; handing them back to other workers'
                : 'answers still running when the drain ended; cancelling them',
            );
          }
          const abandoned = await teardown.run(deadlinesWithin(grace - (Date.now() - started)));
          logger.info({ drained, abandoned, ms: Date.now() - started }, 'switchboard stopped');
          return { drained, abandoned };
        })();
        return stopping;
      },
    };
  } catch (error) {
    const level = error instanceof StartCancelledError ? 'info' : 'error';
    logger[level]({ err: describeError(error) }, 'start-up failed; releasing what it took');
    await teardown.run(deadlinesWithin(config.shutdownGraceMs));
    throw error;
  }
}

/** The database driver's name when it answers, `unreachable` when it does not, `starting` before it opened. */
async function databaseHealth(store: Store | undefined): Promise<string> {
  if (store === undefined) return 'starting';
  try {
    await store.ping();
    return store.driver;
  } catch {
    return 'unreachable';
  }
}

/** Stop listening and close every connection (streams still open have had their final part by now). */
function closeServer(server: ServerType): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

/**
 * A worker's drain: take no new events, let the running ones finish until `deadline`. Events it never
 * started stay on the bus for the other workers; those still running at the deadline are cancelled by the
 * teardown, and the bus hands them to another worker.
 */
async function workerDrained(
  worker: AgentWorker | undefined,
  agent: Agent,
  deadline: number,
): Promise<boolean> {
  worker?.stopTaking();
  while (agent.runningCount > 0 && Date.now() < deadline) await sleep(50);
  return agent.runningCount === 0;
}

/** The agent subscribed to the bus, able to stop taking events before it stops running them. */
interface AgentWorker {
  /** Take no new events (those not started go to other workers); running ones go on. */
  stopTaking(): void;
  /** Stop taking events and control messages; cancel what still runs, or leave it to be handed back. */
  close(): void;
}

/**
 * The agent as a bus worker. With `handBack` (NATS), closing leaves running tasks to the bus's close, which
 * aborts their jobs so each is handed back to another worker instead of cancelled (ADR 0048).
 */
function agentWorker(bus: Bus, agent: Agent, concurrency: number, handBack: boolean): AgentWorker {
  let stopWork: (() => void) | undefined = bus.work((event, job) => agent.handle(event, job), {
    concurrency,
  });
  const stopControl = bus.onControl((message) => agent.control(message));
  const stopTaking = () => {
    stopWork?.();
    stopWork = undefined;
  };
  return {
    stopTaking,
    close() {
      stopTaking();
      stopControl();
      agent.close({ handBack });
    },
  };
}
