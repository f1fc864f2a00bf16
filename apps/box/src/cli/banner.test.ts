import { loadConfig } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import type { BoxReport } from '../status/report';
import { formatBanner } from './banner';

const report: BoxReport = {
  status: 'ready',
  platforms: [{ platform: 'web', state: 'connected' }],
  models: [{ ref: 'llama:demo', locality: 'local', isDefault: true, demo: false, state: 'ready' }],
};

function bannerFor(role: 'all' | 'gateway' | 'worker'): string {
  const env =
    role === 'all'
      ? {}
      : {
          SWITCHBOARD_ROLE: role,
          NATS_URL: 'nats://127.0.0.1:4222',
          DATABASE_URL: 'postgres://127.0.0.1:5432/box',
        };
  const config = loadConfig({ env, file: false });
  return formatBanner({ url: 'http://127.0.0.1:3000', config, report, database: 'Postgres' });
}

describe('the start banner says what each role serves', () => {
  it('one process: the web chat, where local models come from, models and platforms', () => {
    const banner = bannerFor('all');
    expect(banner).toContain('web chat:  http://127.0.0.1:3000');
    expect(banner).toContain('local models from:');
    expect(banner).toContain('llama:demo');
  });

  it('a worker serves no chat: it points at its health and metrics, and holds no platform', () => {
    const banner = bannerFor('worker');
    expect(banner).not.toContain('web chat');
    expect(banner).toContain('health:    http://127.0.0.1:3000/healthz');
    expect(banner).toContain('none here: the gateway holds the platform connections');
    expect(banner).toContain('local models from:');
  });

  it('a gateway runs no model, so it does not say where local models come from', () => {
    const banner = bannerFor('gateway');
    expect(banner).toContain('web chat:  http://127.0.0.1:3000');
    expect(banner).not.toContain('local models from');
    expect(banner).toContain('none here: the workers run the models');
  });
});
