/**
 * The real whatsapp-web.js client, as far as it runs offline: it loads, takes LocalAuth under the data
 * folder and a system Chromium path, and a browser that cannot start ends the attempt with a clear
 * status instead of a hang. Linking and messaging need WhatsApp Web itself, which cannot run offline.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { createBrowserClient } from './client';
import { WebConnection } from './connection';

describe('the real whatsapp-web.js client', () => {
  it('reports a Chromium that cannot start as unreachable, quickly, and keeps no browser', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-wa-'));
    const connection = new WebConnection({
      factory: createBrowserClient,
      settings: { sessionDir: join(dir, 'whatsapp-session'), chromiumPath: join(dir, 'no-chromium-here') },
      logger: createLogger({ level: 'silent' }),
      showQr: () => {},
      attach: () => {},
      connectTimeoutMs: 30_000,
      baseBackoffMs: 60_000,
      maxBackoffMs: 60_000,
    });
    const startedAt = Date.now();
    await connection.start();
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    const status = connection.status;
    expect(status.state).toBe('retrying');
    expect('reason' in status ? status.reason : '').toMatch(
      /WhatsApp Web cannot be reached: .*(no-chromium-here|Browser was not found|ENOENT)/,
    );
    await connection.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);
});
