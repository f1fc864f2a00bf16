import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolContext } from '../tool';
import { isPrivateAddress } from './address-check';
import { httpFetchTool } from './http-fetch';

const context: ToolContext = {
  signal: new AbortController().signal,
  workspace: '/nowhere',
  taskId: 't',
  step: 1,
};

async function serve(handle: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('http_fetch', () => {
  let page: { server: Server; port: number };
  let redirector: { server: Server; port: number };
  let hits = 0;

  beforeAll(async () => {
    page = await serve((request, response) => {
      hits += 1;
      if (request.url === '/big') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('x'.repeat(3000));
        return;
      }
      if (request.url === '/slow') return;
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`hello from ${request.method}`);
    });
    redirector = await serve((_request, response) => {
      response.writeHead(302, { location: `http://127.0.0.1:${page.port}/` });
      response.end();
    });
  });
  afterAll(async () => {
    page.server.closeAllConnections();
    await new Promise((resolve) => page.server.close(resolve));
    await new Promise((resolve) => redirector.server.close(resolve));
  });

  it('knows private, loopback, link-local and mapped addresses from public ones', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.1.1',
      '172.16.0.1',
      '169.254.169.254',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '0.0.0.0',
    ])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ['1.1.1.1', '8.8.8.8', '2606:4700:4700::1111'])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it('refuses loopback targets, by address and after resolving a name, and never connects', async () => {
    const tool = httpFetchTool({ allow: [] });
    const before = hits;
    for (const url of [
      `http://127.0.0.1:${page.port}/`,
      `http://localhost:${page.port}/`,
      `http://[::1]:${page.port}/`,
    ])
      await expect(tool.run({ url, method: 'GET' }, context), url).rejects.toMatchObject({
        code: 'address_blocked',
      });
    expect(hits).toBe(before);
  });

  it('fetches an allowed target, GET and POST, and checks every redirect again', async () => {
    const tool = httpFetchTool({ allow: [`127.0.0.1:${page.port}`] });
    const got = await tool.run({ url: `http://127.0.0.1:${page.port}/`, method: 'GET' }, context);
    expect(got.text).toContain('HTTP 200');
    expect(got.text).toContain('hello from GET');
    const posted = await tool.run(
      { url: `http://127.0.0.1:${page.port}/`, method: 'POST', body: '{}' },
      context,
    );
    expect(posted.text).toContain('hello from POST');
    const onlyRedirector = httpFetchTool({ allow: [`127.0.0.1:${redirector.port}`] });
    const before = hits;
    await expect(
      onlyRedirector.run({ url: `http://127.0.0.1:${redirector.port}/`, method: 'GET' }, context),
    ).rejects.toMatchObject({ code: 'address_blocked' });
    expect(hits).toBe(before);
  });

  it('cuts a large body and gives up on a slow server', async () => {
    const tool = httpFetchTool({ allow: ['127.0.0.0/8'], limits: { maxBytes: 1000, timeoutMs: 300 } });
    const big = await tool.run({ url: `http://127.0.0.1:${page.port}/big`, method: 'GET' }, context);
    expect(big.text).toContain('[cut at 1000 bytes]');
    expect(big.text).not.toContain('x'.repeat(1001));
    await expect(
      tool.run({ url: `http://127.0.0.1:${page.port}/slow`, method: 'GET' }, context),
    ).rejects.toMatchObject({
      code: 'fetch_timeout',
    });
  });
});
