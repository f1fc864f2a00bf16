import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { DEFAULT_MAX_BODY_BYTES, type WebhookRoute } from '@switchboard/core';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { checkOwnerRequest, type OwnerGuardSettings } from './http/owner-guard';

/** What `/healthz` reports. */
export interface Health {
  readonly ok: boolean;
  readonly [key: string]: unknown;
}

/** What the box's HTTP server serves. */
export interface HttpAppOptions {
  /** Every route to mount: the adapters' (web chat, webhooks) and the box's own. */
  readonly routes: readonly WebhookRoute[];
  readonly health: () => Promise<Health>;
  /** What owner routes accept beyond loopback (see `http/owner-guard.ts`). */
  readonly owner: OwnerGuardSettings;
}

const problem = (c: Context, status: 403 | 413 | 415, code: string, message: string) =>
  c.json({ error: { code, message } }, status);

/** Refuse requests to an owner route that a browser was tricked into sending (`http/owner-guard.ts`). */
function ownerGuard(settings: OwnerGuardSettings): MiddlewareHandler {
  return async (c, next) => {
    const refusal = checkOwnerRequest(c.req.raw, settings);
    if (refusal === undefined) return next();
    return problem(c, refusal.status, refusal.code, refusal.message);
  };
}

/**
 * Cap the body before the route sees it: Hono's `bodyLimit` answers 413 from the `Content-Length` alone,
 * and otherwise reads the body chunk by chunk, stopping at the limit (so a chunked upload is never
 * buffered past it; the route then gets the bytes already read). The 413 closes the connection, so the
 * rest of the body is never read.
 */
function bodyCap(maxBytes: number): MiddlewareHandler {
  const size =
    maxBytes % (1024 * 1024) === 0
      ? `${maxBytes / (1024 * 1024)} MiB`
      : maxBytes % 1024 === 0
        ? `${maxBytes / 1024} KiB`
        : `${maxBytes} bytes`;
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      c.header('connection', 'close');
      return problem(c, 413, 'too_large', `The request body is larger than this route accepts (${size}).`);
    },
  });
}

/**
 * The methods some route answers at a path (for a 405 with `Allow` rather than a 404 when only the method
 * is wrong). Route paths are Hono's: `:name` stands for one segment.
 */
function allowedMethods(
  routes: readonly { readonly method: string; readonly path: string }[],
): (path: string) => string[] {
  const patterns = routes.map((route) => ({
    method: route.method.toUpperCase(),
    pattern: new RegExp(
      `^${route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]\w*/g, '[^/]+')}$`,
    ),
  }));
  return (path) => [
    ...new Set(patterns.filter((route) => route.pattern.test(path)).map((route) => route.method)),
  ];
}

/** The box's one HTTP server: `/healthz` plus every route, each behind the checks its caller needs. */
export function createHttpApp(options: HttpAppOptions): Hono {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    const report = await options.health();
    return c.json(report, report.ok ? 200 : 503);
  });
  const guard = ownerGuard(options.owner);
  const noGuard: MiddlewareHandler = (_c, next) => next();
  for (const route of options.routes) {
    const cap = bodyCap(route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    app.on(route.method, route.path, route.caller === 'owner' ? guard : noGuard, cap, (c) => {
      const remoteAddress = getConnInfo(c).remote.address;
      return route.handle(c.req.raw, remoteAddress === undefined ? {} : { remoteAddress });
    });
  }
  const allowed = allowedMethods([{ method: 'GET', path: '/healthz' }, ...options.routes]);
  app.notFound((c) => {
    const methods = allowed(c.req.path);
    if (methods.length === 0)
      return c.json({ error: { code: 'not_found', message: `Nothing at ${c.req.path}.` } }, 404);
    c.header('allow', methods.join(', '));
    const message = `${c.req.path} answers ${methods.join(' and ')}, not ${c.req.method}.`;
    return c.json({ error: { code: 'method_not_allowed', message } }, 405);
  });
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
