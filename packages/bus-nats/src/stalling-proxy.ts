import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/** A TCP proxy in front of a NATS server whose traffic a test can hold back or cut (network trouble). */
export interface StallingProxy {
  /** `nats://127.0.0.1:<port>` of the proxy. */
  readonly url: string;
  /** Hold every byte in both directions until {@link resume} (nothing is lost). */
  stall(): void;
  /** Forward what was held, in order, and carry on. */
  resume(): void;
  /** Cut every open connection, dropping what was held; new connections (the client's reconnect) flow. */
  cut(): void;
  close(): Promise<void>;
}

/** Start a proxy to the NATS server at `natsUrl` (`nats://host:port`). */
export async function startStallingProxy(natsUrl: string): Promise<StallingProxy> {
  const target = new URL(natsUrl.split(',')[0] ?? natsUrl);
  const sockets = new Set<Socket>();
  const held: Array<() => void> = [];
  let stalled = false;
  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      if (stalled) held.push(() => to.write(chunk));
      else to.write(chunk);
    });
    from.on('close', () => to.destroy());
    from.on('error', () => to.destroy());
  };
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port || 4222), target.hostname);
    sockets.add(client).add(upstream);
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `nats://127.0.0.1:${port}`,
    stall: () => {
      stalled = true;
    },
    resume: () => {
      stalled = false;
      for (const write of held.splice(0)) write();
    },
    cut: () => {
      stalled = false;
      held.length = 0;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
