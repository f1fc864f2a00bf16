import type { Socket } from 'node:net';
import type { ServerType } from '@hono/node-server';
import type { WebhookRoute } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, uploadLargeBody } from './http/test-upload';
import { createHttpApp, listen } from './http-server';

const MIB = 1024 * 1024;

describe('the box HTTP server', () => {
  const calls: string[] = [];
  const sockets: Socket[] = [];
  let server: ServerType;
  let base: string;
  let port: number;

  const reading =
    (name: string, read: (request: Request) => Promise<unknown>) => async (request: Request) => {
      calls.push(name);
      const body = await read(request);
      return Response.json({
        read: typeof body === 'string' ? body.length : (body as ArrayBuffer).byteLength,
      });
    };
  const routes: WebhookRoute[] = [
    { method: 'POST', path: '/hooks/text', caller: 'platform', handle: reading('hook', (r) => r.text()) },
    {
      method: 'POST',
      path: '/hooks/bytes',
      caller: 'platform',
      handle: reading('bytes', (r) => r.arrayBuffer()),
    },
    {
      method: 'POST',
      path: '/hooks/small',
      caller: 'platform',
      maxBodyBytes: 1000,
      handle: reading('small', (r) => r.text()),
    },
    {
      method: 'POST',
      path: '/api/approvals/:id',
      caller: 'owner',
      handle: reading('approve', (r) => r.text()),
    },
    {
      method: 'GET',
      path: '/api/tasks',
      caller: 'owner',
      handle: async () => Response.json({ tasks: ['private'] }),
    },
  ];

  beforeAll(async () => {
    const app = createHttpApp({
      routes,
      health: async () => ({ ok: true }),
      owner: { listenHost: '127.0.0.1', allowedHosts: [], allowedOrigins: [] },
    });
    ({ server, port } = await listen(app, '127.0.0.1', 0));
    server.on('connection', (socket: Socket) => sockets.push(socket));
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
  });

  it('hands platform webhooks any host, origin and content type (their signatures are checked by the adapter)', async () => {
    calls.length = 0;
    const answer = await rawRequest(`${base}/hooks/text`, {
      method: 'POST',
      headers: {
        host: 'hooks.example.com',
        origin: 'https://elsewhere.example',
        'content-type': 'text/plain',
      },
      body: 'signed by the platform',
    });
    expect(answer).toEqual({ status: 200, body: '{"read":22}' });
    expect(calls).toEqual(['hook']);
  });

  it('puts every owner route, reads included, behind the owner checks by construction', async () => {
    calls.length = 0;
    const post = (headers: Record<string, string>) =>
      rawRequest(`${base}/api/approvals/ap-1`, { method: 'POST', headers, body: '{"choice":"approve"}' });
    const own = { host: `127.0.0.1:${port}` };
    expect((await post({ ...own, 'content-type': 'text/plain' })).status).toBe(415);
    expect(
      (await post({ ...own, 'content-type': 'application/json', origin: 'https://evil.example' })).status,
    ).toBe(403);
    expect((await post({ host: `rebound.example:${port}`, 'content-type': 'application/json' })).status).toBe(
      403,
    );
    expect(calls).toEqual([]);
    const read = await rawRequest(`${base}/api/tasks`, {
      method: 'GET',
      headers: { host: `rebound.example:${port}` },
    });
    expect(read.status).toBe(403);
    expect(read.body).not.toContain('private');
    expect(JSON.parse(read.body)).toMatchObject({ error: { code: 'forbidden_host' } });
    expect((await post({ ...own, 'content-type': 'application/json' })).status).toBe(200);
    expect(calls).toEqual(['approve']);
  });

  it.each([
    { chunked: true, path: '/hooks/bytes' },
    { chunked: false, path: '/hooks/bytes' },
    { chunked: true, path: '/hooks/text' },
  ])(
    'stops reading a 20 MB body at the 1 MiB cap and answers 413 (chunked: $chunked, $path)',
    async ({ chunked, path }) => {
      calls.length = 0;
      sockets.length = 0;
      const result = await uploadLargeBody({ port, path, headers: {}, totalBytes: 20 * MIB, chunked });
      expect(result.status).toBe(413);
      expect(result.answer).toContain('"too_large"');
      expect(calls).toEqual([]);
      const serverRead = sockets.reduce((sum, socket) => sum + socket.bytesRead, 0);
      expect(serverRead).toBeLessThan(2 * MIB);
      expect(result.written).toBeLessThan(20 * MIB);
    },
  );

  it('answers a known path with the wrong method 405 and says which methods it takes', async () => {
    const wrong = await fetch(`${base}/api/approvals/ap-1`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(await wrong.json()).toEqual({
      error: { code: 'method_not_allowed', message: '/api/approvals/ap-1 answers POST, not GET.' },
    });
    expect((await fetch(`${base}/healthz`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${base}/api/approvals/ap-1/more`)).status).toBe(404);
    expect((await fetch(`${base}/nowhere`, { method: 'POST' })).status).toBe(404);
  });

  it("holds a route's own, smaller limit to the byte", async () => {
    const send = (size: number) =>
      rawRequest(`${base}/hooks/small`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'x'.repeat(size),
      });
    expect(await send(1000)).toEqual({ status: 200, body: '{"read":1000}' });
    expect((await send(1001)).status).toBe(413);
  });
});
