import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { ChatAdapter } from '@switchboard/core';
import { Hono } from 'hono';

/** What `/healthz` reports. */
export interface Health {
  readonly ok: boolean;
  readonly [key: string]: unknown;
}

/** The box's one HTTP server: `/healthz` plus every adapter's routes (web chat, webhooks). */
export function createHttpApp(adapters: readonly ChatAdapter[], health: () => Promise<Health>): Hono {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    const report = await health();
    return c.json(report, report.ok ? 200 : 503);
  });
  for (const adapter of adapters) {
    for (const route of adapter.routes?.() ?? []) {
      app.on(route.method, route.path, (c) => {
        const remoteAddress = getConnInfo(c).remote.address;
        return route.handle(c.req.raw, remoteAddress === undefined ? {} : { remoteAddress });
      });
    }
  }
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `Nothing at ${c.req.path}.` } }, 404));
  app.onError((_error, c) =>
    c.json({ error: { code: 'internal', message: 'The box failed to answer this request.' } }, 500),
  );
  return app;
}

/** Listen on `host:port`; resolves with the server and the port it got (port 0 picks a free one). */
export function listen(app: Hono, host: string, port: number): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) =>
      resolve({ server, port: info.port }),
    );
    server.once('error', reject);
  });
}
