import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeGraph, startFakeGraph } from '@switchboard/testkit/fake-whatsapp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWhatsApp } from './whatsapp-checks';

let graph: FakeGraph;
beforeAll(async () => {
  graph = await startFakeGraph();
});
afterAll(() => graph.close());

const cloud = (token: string) =>
  ({
    mode: 'cloud',
    token,
    phoneNumberId: graph.phoneNumberId,
    appSecret: 's',
    verifyToken: 'v',
    graphUrl: graph.url,
    template: undefined,
    allowedUsers: [],
    progressMs: 0,
  }) as const;

describe('switchboard doctor: WhatsApp', () => {
  it('proves the Cloud API token with a GET on the phone number id', async () => {
    const [line] = await checkWhatsApp(cloud(graph.token), '/tmp');
    expect(line).toMatchObject({ level: 'ok', label: 'whatsapp cloud api' });
    expect(line?.detail).toContain(graph.phoneNumberId);
    expect(graph.calls.at(-1)).toMatchObject({ method: 'GET', kind: 'phone-number', status: 200 });
  });

  it('fails a refused token, naming WHATSAPP_TOKEN and never printing it', async () => {
    const [line] = await checkWhatsApp(cloud('EAAG-revoked-token'), '/tmp');
    expect(line).toMatchObject({ level: 'bad' });
    expect(line?.detail).toMatch(/WHATSAPP_TOKEN/);
    expect(line?.detail).not.toContain('EAAG-revoked-token');
  });

  it('checks Chromium and the linked session in web mode', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-doctor-'));
    const web = (chromiumPath: string) =>
      ({ mode: 'web', chromiumPath, groupPrefix: '/ask', allowedUsers: [], progressMs: 0 }) as const;
    const missing = await checkWhatsApp(web(join(dir, 'no-chromium')), dir);
    expect(missing[0]).toMatchObject({ level: 'bad', label: 'whatsapp chromium' });
    expect(missing[0]?.detail).toMatch(/WHATSAPP_CHROMIUM_PATH/);
    expect(missing[1]).toMatchObject({ level: 'warn', label: 'whatsapp session' });
    await mkdir(join(dir, 'whatsapp-session'));
    const present = await checkWhatsApp(web(process.execPath), dir);
    expect(present.map((line) => line.level)).toEqual(['ok', 'ok']);
    await rm(dir, { recursive: true, force: true });
  });
});
