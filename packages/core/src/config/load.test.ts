import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { loadConfig } from './load';

const load = (env: Record<string, string>) => loadConfig({ env, file: false });

function problems(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('starts with no configuration at all', () => {
    const config = loadConfig({ env: {}, file: false });
    expect(config.http).toEqual({
      host: '127.0.0.1',
      port: 3000,
      apiToken: undefined,
      allowedHosts: [],
      allowedOrigins: [],
    });
    expect(config.dataDir).toBe('./data');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.models.openai).toBeUndefined();
    expect(config.models.default).toBeUndefined();
  });

  it('reads OpenAI settings and lists', () => {
    const config = load({
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      OPENAI_MODELS: 'a, b',
      SWITCHBOARD_OWNER: 'telegram:1,slack:U2',
    });
    expect(config.models.openai).toEqual({
      apiKey: undefined,
      baseURL: 'http://127.0.0.1:9/v1',
      models: ['a', 'b'],
    });
    expect(config.access.owners).toEqual(['telegram:1', 'slack:U2']);
  });

  it('reports every problem at once, naming each variable', () => {
    const error = problems({
      OPENAI_BASE_URL: 'not a url',
      PORT: '99999',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
    });
    const variables = error.issues.map((issue) => issue.variable).sort();
    expect(variables).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'OPENAI_BASE_URL', 'PORT']);
    expect(error.message).toMatch(/4 problems/);
    for (const variable of variables) expect(error.message).toContain(variable);
    expect(error.message).not.toMatch(/at .*\.ts:\d+/);
  });

  it('requires the key of the provider the default model uses', () => {
    const error = problems({ SWITCHBOARD_DEFAULT_MODEL: 'openai:gpt-4o-mini' });
    expect(error.issues).toEqual([
      { variable: 'OPENAI_API_KEY', message: 'required because SWITCHBOARD_DEFAULT_MODEL uses openai' },
    ]);
  });

  it('rejects an unknown provider and a malformed model ref', () => {
    expect(problems({ SWITCHBOARD_DEFAULT_MODEL: 'nope:x' }).issues[0]?.variable).toBe(
      'SWITCHBOARD_DEFAULT_MODEL',
    );
    expect(problems({ SWITCHBOARD_DEFAULT_MODEL: 'gpt-4o' }).issues[0]?.message).toMatch(/provider:model/);
  });

  it('reports a misspelt SWITCHBOARD_ variable', () => {
    const error = problems({ SWITCHBOARD_DEFALT_MODEL: 'openai:x' });
    expect(error.issues[0]?.variable).toBe('SWITCHBOARD_DEFALT_MODEL');
  });

  it('refuses to expose the box beyond loopback without an API token', () => {
    expect(problems({ HOST: '0.0.0.0' }).issues[0]?.variable).toBe('SWITCHBOARD_API_TOKEN');
    expect(load({ HOST: '0.0.0.0', SWITCHBOARD_API_TOKEN: 'a-long-enough-token-123' }).http.host).toBe(
      '0.0.0.0',
    );
  });

  it('reads the host names and web origins the owner API accepts, and names malformed ones', () => {
    const config = load({
      SWITCHBOARD_ALLOWED_HOSTS: 'Box.Example.com, proxy.example.com:8443',
      SWITCHBOARD_ALLOWED_ORIGINS: 'https://Dashboard.example.com/, http://10.0.0.5:8080',
    });
    expect(config.http.allowedHosts).toEqual(['box.example.com', 'proxy.example.com:8443']);
    expect(config.http.allowedOrigins).toEqual(['https://dashboard.example.com', 'http://10.0.0.5:8080']);
    const message = problems({
      SWITCHBOARD_ALLOWED_HOSTS: 'https://box.example.com',
      SWITCHBOARD_ALLOWED_ORIGINS: 'https://box.example.com/chat',
    }).message;
    expect(message).toMatch(/SWITCHBOARD_ALLOWED_HOSTS: .*no scheme, no path/);
    expect(message).toMatch(/SWITCHBOARD_ALLOWED_ORIGINS: .*scheme and host, no path/);
    expect(problems({ SWITCHBOARD_ALLOWED_ORIGINS: 'box.example.com' }).message).toMatch(
      /SWITCHBOARD_ALLOWED_ORIGINS/,
    );
  });

  it('reads switchboard.config.json, with the environment winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
    const file = join(dir, 'switchboard.config.json');
    writeFileSync(file, JSON.stringify({ PORT: 4000, OPENAI_MODELS: ['x', 'y'], LOG_LEVEL: 'debug' }));
    const config = loadConfig({ env: { LOG_LEVEL: 'warn' }, file });
    expect(config.http.port).toBe(4000);
    expect(config.models.openai).toBeUndefined();
    expect(config.logLevel).toBe('warn');
  });

  it('reads the shutdown grace period (default 10 s) and refuses one that cannot work', () => {
    expect(loadConfig({ env: {}, file: false }).shutdownGraceMs).toBe(10_000);
    expect(loadConfig({ env: { SHUTDOWN_GRACE_SECONDS: '3' }, file: false }).shutdownGraceMs).toBe(3000);
    for (const wrong of ['0', '-1', 'soon', '1.5', '3601']) {
      expect(() => loadConfig({ env: { SHUTDOWN_GRACE_SECONDS: wrong }, file: false })).toThrow(
        /SHUTDOWN_GRACE_SECONDS: /,
      );
    }
  });

  it('reads the task deadline (default 600 s) and the turn first-token budget (default 30 s)', () => {
    const defaults = loadConfig({ env: {}, file: false }).routing;
    expect(defaults).toMatchObject({ taskDeadlineMs: 600_000, turnFirstTokenTimeoutMs: 30_000 });
    const set = loadConfig({
      env: { TASK_DEADLINE_SECONDS: '90', SWITCHBOARD_TURN_FIRST_TOKEN_TIMEOUT_MS: '12000' },
      file: false,
    }).routing;
    expect(set).toMatchObject({ taskDeadlineMs: 90_000, turnFirstTokenTimeoutMs: 12_000 });
    for (const wrong of ['0', 'later', '86401']) {
      expect(() => loadConfig({ env: { TASK_DEADLINE_SECONDS: wrong }, file: false })).toThrow(
        /TASK_DEADLINE_SECONDS: /,
      );
    }
  });

  it('names a config file that does not exist', () => {
    const missing = join(tmpdir(), 'switchboard-no-such-config.json');
    expect(() => loadConfig({ env: { SWITCHBOARD_CONFIG: missing } })).toThrow(/SWITCHBOARD_CONFIG: no file/);
  });

  it('names unknown keys and broken JSON in the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
    const file = join(dir, 'switchboard.config.json');
    writeFileSync(file, JSON.stringify({ PROT: 1 }));
    expect(() => loadConfig({ env: {}, file })).toThrow(/PROT: unknown setting/);
    writeFileSync(file, '{ nope');
    expect(() => loadConfig({ env: {}, file })).toThrow(/not valid JSON/);
  });
});
