import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/core';
import { NatsBusError } from './errors';
import { redactSecrets, redactServers } from './names';

/** What {@link openConnection} needs. */
export interface ConnectionSettings {
  readonly url: string;
  readonly name: string;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly logger: Logger;
}

/** A connection with JetStream checked, and the manager the bus sets its streams up with. */
export interface OpenConnection {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
}

/**
 * Connect to the NATS server(s) of `url` and check that JetStream answers. Fails at once (no
 * waiting for a server to appear) with a {@link NatsBusError} naming `NATS_URL` and the server
 * without its password. Once connected, the client reconnects forever; each change is logged. Errors
 * of requests carry no trace of where the request was made (`noAsyncTraces`).
 */
export async function openConnection(settings: ConnectionSettings): Promise<OpenConnection> {
  const { url, logger } = settings;
  let nc: NatsConnection;
  try {
    nc = await connect({
      ...serverOptions(url),
      name: settings.name,
      timeout: settings.connectTimeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      waitOnFirstConnect: false,
      // Without this the client builds an Error (with its stack) for every request and publish to
      // capture where it was made: ≈ 3 % of a busy worker's CPU. Our errors say what failed themselves.
      noAsyncTraces: true,
    });
  } catch (error) {
    throw new NatsBusError(
      'bus_unavailable',
      `Cannot connect to NATS at ${redactServers(url)}: ${reasonOf(error, url)}. Check NATS_URL, and that nats-server is running (with JetStream: nats-server -js) and reachable from this machine.`,
      { cause: error },
    );
  }
  watchStatus(nc, url, logger);
  try {
    const jsm = await jetstreamManager(nc, { timeout: settings.requestTimeoutMs });
    return { nc, jsm };
  } catch (error) {
    await nc.close().catch(() => {});
    throw new NatsBusError(
      'bus_misconfigured',
      `NATS at ${redactServers(url)} answers, but JetStream does not (${reasonOf(error, url)}). Start nats-server with JetStream enabled (nats-server -js), or enable it for this account.`,
      { cause: error },
    );
  }
}

/**
 * The `servers` list, and credentials taken out of the URLs (the client does not read `user:pass@`
 * in a URL itself): `nats://user:password@host` or `nats://token@host`.
 */
export function serverOptions(
  url: string,
): Pick<NodeConnectionOptions, 'servers' | 'user' | 'pass' | 'token'> {
  const servers: string[] = [];
  let credentials: Pick<NodeConnectionOptions, 'user' | 'pass' | 'token'> = {};
  for (const raw of url.split(',').map((server) => server.trim())) {
    if (raw === '') continue;
    if (!raw.includes('://') || !raw.includes('@')) {
      servers.push(raw);
      continue;
    }
    const parsed = new URL(raw);
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    if (user !== '' && Object.keys(credentials).length === 0) {
      credentials = password === '' ? { token: user } : { user, pass: password };
    }
    servers.push(`${parsed.protocol}//${parsed.host}`);
  }
  return { servers, ...credentials };
}

/** A short reason from a client error, without secrets. */
export function reasonOf(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return redactSecrets(`${message}${cause}`, url);
}

/** Log disconnects, reconnects and server errors until the connection closes. */
function watchStatus(nc: NatsConnection, url: string, logger: Logger): void {
  const servers = redactServers(url);
  void (async () => {
    for await (const status of nc.status()) {
      switch (status.type) {
        case 'disconnect':
          logger.warn({ servers }, 'NATS connection lost; reconnecting');
          break;
        case 'reconnect':
          logger.info({ servers }, 'NATS connection restored');
          break;
        case 'error':
          logger.error({ servers, error: reasonOf(status.error, url) }, 'NATS reported an error');
          break;
        case 'slowConsumer':
          logger.warn({ servers, subject: status.sub.getSubject() }, 'NATS: slow consumer, messages dropped');
          break;
        default:
          break;
      }
    }
  })().catch(() => {});
}
