import { connect, createServer, type Socket } from 'node:net';

/** How the switch treats connections: as a working network, a refused one, or one that went silent. */
export type NetworkState = 'up' | 'down' | 'frozen';

/**
 * A TCP relay in front of a fake server that a test can break the way networks break: `down` resets
 * every connection and each new one at once (the client sees a connection error, as with no route or
 * a refused port); `frozen` keeps connections open but carries nothing more in either direction, and
 * accepts new ones without answering (a server that stopped answering, a partition that drops every
 * packet); `up` relays again. Speaks no protocol itself, so it works for HTTP and WebSockets alike.
 */
export interface NetworkSwitch {
  /** `http://127.0.0.1:PORT`: point the client here instead of at the fake. */
  readonly url: string;
  readonly port: number;
  readonly state: NetworkState;
  /** Connections the switch has accepted so far, in any state. */
  readonly accepted: number;
  up(): void;
  down(): void;
  freeze(): void;
  /** Stop listening and destroy every connection. */
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  upstream: Socket | undefined;
}

/** Start a switch on 127.0.0.1 relaying to `target` (`http://host:port` or `ws://host:port`). */
export async function startNetworkSwitch(
  target: string,
  initial: NetworkState = 'up',
): Promise<NetworkSwitch> {
  const { hostname, port: targetPort } = new URL(target);
  const pairs = new Set<Pair>();
  let state: NetworkState = initial;
  let accepted = 0;

  const drop = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  };
  const silence = (pair: Pair) => {
    pair.client.unpipe();
    pair.upstream?.unpipe();
    pair.client.pause();
    pair.upstream?.pause();
  };

  const server = createServer((client) => {
    accepted += 1;
    const pair: Pair = { client, upstream: undefined };
    pairs.add(pair);
    client.on('error', () => drop(pair));
    client.on('close', () => drop(pair));
    if (state === 'down') {
      client.resetAndDestroy();
      return;
    }
    if (state === 'frozen') {
      client.pause();
      return;
    }
    const upstream = connect(Number(targetPort), hostname === 'localhost' ? '127.0.0.1' : hostname);
    pair.upstream = upstream;
    upstream.on('error', () => drop(pair));
    upstream.on('close', () => drop(pair));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get state() {
      return state;
    },
    get accepted() {
      return accepted;
    },
    up() {
      state = 'up';
    },
    down() {
      state = 'down';
      for (const pair of [...pairs]) {
        pair.client.resetAndDestroy();
        drop(pair);
      }
    },
    freeze() {
      state = 'frozen';
      for (const pair of pairs) silence(pair);
    },
    close() {
      for (const pair of [...pairs]) drop(pair);
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
