import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, sendJson, type TestServer } from './http';
import { type NetworkSwitch, startNetworkSwitch } from './network-switch';

describe('the network switch', () => {
  let server: TestServer;
  let network: NetworkSwitch;
  beforeAll(async () => {
    server = await listen((_request, response) => sendJson(response, 200, { ok: true }));
    network = await startNetworkSwitch(server.url);
  });
  afterAll(async () => {
    await network?.close();
    await server?.close();
  });

  const call = (timeoutMs = 2000) =>
    fetch(network.url, { signal: AbortSignal.timeout(timeoutMs), headers: { connection: 'close' } });

  it('relays while up, resets while down, stays silent while frozen, and relays again once up', async () => {
    expect(await (await call()).json()).toEqual({ ok: true });

    network.down();
    const refused = await call().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TypeError);
    expect(String((refused as { cause?: unknown }).cause)).toMatch(/ECONNRESET|socket|closed/i);

    network.freeze();
    const silent = await call(300).catch((error: unknown) => error);
    expect((silent as Error).name).toBe('TimeoutError');

    network.up();
    expect(await (await call()).json()).toEqual({ ok: true });
    expect(network.accepted).toBeGreaterThanOrEqual(4);
  });
});
