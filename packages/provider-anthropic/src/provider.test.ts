import { ConfigError } from '@switchboard/core';
import { type FakeAnthropic, startFakeAnthropic } from '@switchboard/testkit/fake-anthropic';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from './provider';

const KEY = 'sk-ant-check-secret-key-abcdef123456';

describe('createAnthropicProvider', () => {
  let fake: FakeAnthropic;

  beforeAll(async () => {
    fake = await startFakeAnthropic({ apiKey: KEY, models: ['claude-small-20250101', 'claude-large'] });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });

  it('offers one model per name, the first one first, as anthropic:model refs', () => {
    const provider = createAnthropicProvider({
      apiKey: KEY,
      models: ['claude-sonnet-4-5', 'claude-haiku-4-5'],
    });
    expect(provider.name).toBe('anthropic');
    expect(provider.models.map((model) => model.ref)).toEqual([
      'anthropic:claude-sonnet-4-5',
      'anthropic:claude-haiku-4-5',
    ]);
  });

  it('is cloud for Anthropic and local for a server on a loopback address', () => {
    expect(createAnthropicProvider({ apiKey: KEY, models: ['a'] }).locality).toBe('cloud');
    expect(createAnthropicProvider({ apiKey: KEY, models: ['a'] }).models[0]?.locality).toBe('cloud');
    expect(createAnthropicProvider({ baseURL: fake.url, models: ['a'] }).locality).toBe('local');
    expect(createAnthropicProvider({ baseURL: fake.url, models: ['a'], locality: 'cloud' }).locality).toBe(
      'cloud',
    );
  });

  it('refuses options that cannot work, naming every variable at fault', () => {
    let thrown: unknown;
    try {
      createAnthropicProvider({ models: [] });
    } catch (error) {
      thrown = error;
    }
    expect(ConfigError.isInstance(thrown)).toBe(true);
    expect((thrown as ConfigError).issues.map((issue) => issue.variable)).toEqual([
      'ANTHROPIC_MODELS',
      'ANTHROPIC_API_KEY',
    ]);
    expect(() => createAnthropicProvider({ baseURL: 'api.anthropic.com', models: ['a'] })).toThrow(
      /ANTHROPIC_BASE_URL/,
    );
    expect(() => createAnthropicProvider({ apiKey: KEY, models: ['a'], timeoutMs: 0 })).toThrow(/timeoutMs/);
  });

  it('passes the check when the server lists the models, a dated id counting for its alias', async () => {
    const provider = createAnthropicProvider({
      apiKey: KEY,
      baseURL: fake.url,
      models: ['claude-small', 'claude-large'],
    });
    const result = await provider.check(new AbortController().signal);
    expect(result).toEqual({
      ok: true,
      detail: `Reached the Anthropic-compatible server at ${fake.url}; it lists claude-small, claude-large.`,
    });
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /v1/models']);
    const [request] = fake.requests;
    expect(request?.headers.authorization ?? request?.headers['x-api-key']).toContain(KEY);
  });

  it('passes the check with a note when a model is not listed', async () => {
    const provider = createAnthropicProvider({ apiKey: KEY, baseURL: fake.url, models: ['claude-huge'] });
    const result = await provider.check(new AbortController().signal);
    expect(result.ok).toBe(true);
    expect(result.detail).toMatch(/does not list claude-huge: check ANTHROPIC_MODELS/);
  });

  it('fails the check on a wrong key with a sentence naming ANTHROPIC_API_KEY, never the key', async () => {
    const wrongKey = 'sk-ant-wrong-check-key-000111222333';
    const provider = createAnthropicProvider({
      apiKey: wrongKey,
      baseURL: fake.url,
      models: ['claude-large'],
    });
    const result = await provider.check(new AbortController().signal);
    expect(result).toEqual({
      ok: false,
      detail: `The Anthropic-compatible server at ${fake.url} rejected the API key: check ANTHROPIC_API_KEY`,
    });
    expect(result.detail).not.toContain(wrongKey);
  });

  it('fails the check when the server errors, and when it has no /v1/models', async () => {
    const provider = createAnthropicProvider({ apiKey: KEY, baseURL: fake.url, models: ['claude-large'] });
    fake.enqueueModels({ type: 'error', status: 529 }, { type: 'error', status: 404 });
    const overloaded = await provider.check(new AbortController().signal);
    expect(overloaded).toEqual({
      ok: false,
      detail: expect.stringMatching(/is overloaded; try again shortly/),
    });
    expect(await provider.check(new AbortController().signal)).toEqual({
      ok: false,
      detail: `The Anthropic-compatible server at ${fake.url} has no /v1/models (HTTP 404): check ANTHROPIC_BASE_URL (the address before /v1/messages).`,
    });
  });

  it('fails the check on an unreachable server, showing the URL but not the key', async () => {
    const gone = await startFakeAnthropic();
    await gone.close();
    const provider = createAnthropicProvider({ apiKey: KEY, baseURL: gone.url, models: ['a'] });
    const result = await provider.check(new AbortController().signal);
    expect(result).toEqual({
      ok: false,
      detail: `Cannot reach the Anthropic-compatible server at ${gone.url}: connection refused. Check ANTHROPIC_BASE_URL and that the server is running.`,
    });
    expect(result.detail).not.toContain(KEY);
  });

  it('hides credentials written into the base URL', async () => {
    const withCredentials = fake.url.replace('http://', 'http://user:hunter2@');
    const provider = createAnthropicProvider({ apiKey: KEY, baseURL: withCredentials, models: ['a'] });
    const result = await provider.check(new AbortController().signal);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain(fake.url);
    expect(result.detail).not.toContain('hunter2');
  });

  it('drops a trailing /v1 from the base URL, since the SDK adds it', async () => {
    const provider = createAnthropicProvider({
      apiKey: KEY,
      baseURL: `${fake.url}/v1/`,
      models: ['claude-large'],
    });
    expect((await provider.check(new AbortController().signal)).ok).toBe(true);
    expect(fake.requests[0]?.path).toBe('/v1/models');
  });

  it('gives up a stalled check when the signal aborts', async () => {
    const provider = createAnthropicProvider({ apiKey: KEY, baseURL: fake.url, models: ['claude-large'] });
    fake.enqueueModels({ type: 'stall' });
    const controller = new AbortController();
    const pending = provider.check(controller.signal);
    await expect.poll(() => fake.requestCount).toBe(1);
    controller.abort();
    expect(await pending).toEqual({ ok: false, detail: `The check of ${fake.url} was cancelled.` });
  });
});
