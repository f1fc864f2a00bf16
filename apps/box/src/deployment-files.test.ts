import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Service {
  readonly image?: string;
  readonly command?: readonly string[];
  readonly environment?: Record<string, string>;
  readonly volumes?: readonly string[];
  readonly healthcheck?: { readonly test: readonly string[] };
  readonly deploy?: { readonly replicas?: number };
  readonly depends_on?: Record<string, { readonly condition: string }>;
  readonly profiles?: readonly string[];
  readonly stop_grace_period?: string;
}

const compose = parse(readFileSync(`${root}docker-compose.yml`, 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const { services } = compose;

describe('docker-compose.yml, the scaled-out box', () => {
  it('runs Postgres and NATS JetStream with volumes and health checks', () => {
    expect(services['postgres']?.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(services['postgres']?.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(services['nats']?.command).toContain('-js');
    expect(services['nats']?.volumes).toContain('nats-data:/data');
    expect(services['nats']?.healthcheck?.test.join(' ')).toContain('healthz');
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['postgres-data', 'nats-data']));
  });

  it('starts one gateway and two workers on the same Postgres and NATS, models mounted on the workers', () => {
    const gateway = services['gateway'];
    const worker = services['worker'];
    expect(gateway?.command?.slice(-2)).toEqual(['--role', 'gateway']);
    expect(worker?.command?.slice(-2)).toEqual(['--role', 'worker']);
    expect(worker?.deploy?.replicas).toBe(2);
    expect(worker?.volumes).toContain('./models:/app/models:ro');
    for (const role of [gateway, worker]) {
      expect(role?.environment?.['NATS_URL']).toBe('nats://nats:4222');
      expect(role?.environment?.['DATABASE_URL']).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(role?.depends_on?.['nats']?.condition).toBe('service_healthy');
      expect(role?.depends_on?.['postgres']?.condition).toBe('service_healthy');
      expect(role?.healthcheck?.test.join(' ')).toContain('/healthz');
      const grace = Number.parseInt(role?.stop_grace_period ?? '0', 10);
      expect(grace).toBeGreaterThan(loadConfig({ env: {}, file: false }).shutdownGraceMs / 1000);
    }
  });

  it('gives every role a configuration the box accepts', () => {
    for (const name of ['gateway', 'worker', 'box']) {
      const environment = {
        ...services[name]?.environment,
        SWITCHBOARD_API_TOKEN: 'a-token-of-24-characters',
      };
      const role = services[name]?.command?.at(-1);
      const env = name === 'box' ? environment : { ...environment, SWITCHBOARD_ROLE: role ?? '' };
      expect(() => loadConfig({ env, file: false })).not.toThrow();
    }
  });
});
