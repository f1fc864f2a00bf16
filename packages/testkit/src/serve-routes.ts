import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRoute } from '@switchboard/core';

/** Serve webhook routes on 127.0.0.1 the way the box's server does (standard Request/Response). For tests. */
export async function serveRoutes(
  routes: readonly WebhookRoute[],
): Promise<{ url: string; close(): Promise<void> }> {
  const read = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const server = createServer((request, response) => {
    void (async () => {
      const route = routes.find(
        (candidate) => candidate.method === request.method && candidate.path === request.url,
      );
      if (!route) {
        response.writeHead(404).end();
        return;
      }
      const body = await read(request);
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === 'string') headers.set(name, value);
      const answer = await route.handle(
        new Request(`http://127.0.0.1${request.url}`, { method: 'POST', headers, body }),
        {
          remoteAddress: request.socket.remoteAddress ?? '',
        },
      );
      response.writeHead(answer.status, Object.fromEntries(answer.headers));
      response.end(Buffer.from(await answer.arrayBuffer()));
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
