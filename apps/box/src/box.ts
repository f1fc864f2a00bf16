import { randomUUID } from 'node:crypto';
import type { ServerType } from '@hono/node-server';
import { createAgent, ModelRegistry, startAgentWorker } from '@switchboard/agent';
import { createMemoryBus } from '@switchboard/bus';
import { createDeliveryEngine } from '@switchboard/chat';
import {
  type Bus,
  type ChatAdapter,
  type Config,
  createLogger,
  type Logger,
  type Unsubscribe,
} from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { createAdapters } from './adapters';
import { type Gateway, startGateway } from './gateway';
import { createHttpApp, listen } from './http-server';
import { createProviders } from './providers';

/** A running box: every part wired in one process. */
export interface Box {
  /** The base URL of the HTTP server. */
  readonly url: string;
  readonly store: Store;
  readonly bus: Bus;
  readonly models: ModelRegistry;
  readonly logger: Logger;
  stop(): Promise<void>;
}

/** Options for tests and embedding. */
export interface BoxOptions {
  readonly logger?: Logger;
  /** Listen on this port instead of the configured one (0 picks a free port). */
  readonly port?: number;
  /** The clock adapters use for platform deadlines (Discord's 15-minute interaction tokens); tests pass a fake one. */
  readonly clock?: () => number;
}

/**
 * Start the whole box: database (migrated), models, bus, agent worker, adapters, delivery and the
 * HTTP server. `stop()` shuts it down in reverse order.
 */
export async function startBox(config: Config, options: BoxOptions = {}): Promise<Box> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const store = await openStore({
    dataDir: config.dataDir,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
  });
  const providers = await createProviders(config, { logger });
  const models = new ModelRegistry(providers, {
    defaultRef: config.models.default,
    fallbacks: config.models.fallbacks,
    aliases: config.routing.aliases,
    hardModel: config.routing.hardModel,
  });
  for (const provider of providers) {
    // Load local models now, in the background, so the first question does not wait for it.
    if (provider.locality === 'local') void provider.check(AbortSignal.timeout(120_000)).catch(() => {});
  }
  const bus = createMemoryBus({ queueLimit: config.agent.queueLimit });
  const agent = createAgent({
    store,
    models,
    bus,
    settings: config.agent,
    access: config.access,
    logger,
    routing: config.routing,
    prices: config.pricing.prices,
  });
  const stopWorker: Unsubscribe = startAgentWorker(bus, agent, { concurrency: config.agent.concurrency });

  const adapters: ChatAdapter[] = createAdapters(config, logger, {
    models: () => models.list().map((model) => model.ref),
    ...(options.clock ? { now: options.clock } : {}),
  });
  const byPlatform = new Map(adapters.map((adapter) => [adapter.platform, adapter]));
  const delivery = createDeliveryEngine({ adapterFor: (platform) => byPlatform.get(platform), logger });
  const shutdown = new AbortController();
  const gateway: Gateway = await startGateway({
    id: `gateway-${randomUUID().slice(0, 8)}`,
    bus,
    adapters,
    delivery,
    logger,
    signal: shutdown.signal,
  });

  const app = createHttpApp(adapters, async () => {
    try {
      await store.ping();
      return { ok: true, database: store.driver, models: models.list().length, running: agent.runningCount };
    } catch {
      return { ok: false, database: 'unreachable' };
    }
  });
  let server: ServerType;
  let port: number;
  try {
    ({ server, port } = await listen(app, config.http.host, options.port ?? config.http.port));
  } catch (error) {
    stopWorker();
    await bus.close();
    await store.close();
    throw error;
  }
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  logger.info(
    { url, database: store.driver, models: models.list().map((m) => m.ref) },
    'switchboard started',
  );

  return {
    url,
    store,
    bus,
    models,
    logger,
    async stop() {
      shutdown.abort();
      stopWorker();
      await bus.close();
      await gateway.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      for (const provider of providers) await provider.close?.();
      await store.close();
    },
  };
}
