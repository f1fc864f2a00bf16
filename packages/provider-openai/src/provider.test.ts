import { ConfigError } from '@switchboard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAIProvider } from './provider';

const KEY = 'sk-check-secret-key-abcdef123456';

describe('createOpenAIProvider', () => {
  let fake: FakeOpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: KEY, models: ['small', 'large'] });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });

  it('offers one model per name, the first one first, as provider:model refs', () => {
    const provider = createOpenAIProvider({ apiKey: KEY, baseURL: fake.url, models: ['small', 'large'] });
    expect(provider.name).toBe('openai');
    expect(provider.models.map((model) => model.ref)).toEqual(['openai:small', 'openai:large']);
    const named = createOpenAIProvider({ baseURL: fake.url, models: ['deepseek-chat'], name: 'deepseek' });
    expect(named.models.map((model) => model.ref)).toEqual(['deepseek:deepseek-chat']);
  });

  it('is local on a loopback address and cloud elsewhere', () => {
    expect(createOpenAIProvider({ baseURL: fake.url, models: ['a'] }).locality).toBe('local');
    expect(
      createOpenAIProvider({ baseURL: 'http://localhost:11434/v1', models: ['a'] }).models[0]?.locality,
    ).toBe('local');
    expect(createOpenAIProvider({ apiKey: KEY, models: ['gpt-4o-mini'] }).locality).toBe('cloud');
    expect(
      createOpenAIProvider({ baseURL: 'https://api.deepseek.com', apiKey: KEY, models: ['a'] }).locality,
    ).toBe('cloud');
    expect(createOpenAIProvider({ baseURL: fake.url, models: ['a'], locality: 'cloud' }).locality).toBe(
      'cloud',
    );
  });

  it('refuses options that cannot work, naming every variable at fault', () => {
    let thrown: unknown;
    try {
      createOpenAIProvider({ models: [] });
    } catch (error) {
      thrown = error;
    }
    expect(ConfigError.isInstance(thrown)).toBe(true);
    expect((thrown as ConfigError).issues.map((issue) => issue.variable)).toEqual([
      'OPENAI_MODELS',
      'OPENAI_API_KEY',
    ]);
    expect(() => createOpenAIProvider({ baseURL: 'localhost:11434', models: ['a'] })).toThrow(
      /OPENAI_BASE_URL/,
    );
  });

  it('passes the check when the server lists the configured models', async () => {
    const provider = createOpenAIProvider({ apiKey: KEY, baseURL: fake.url, models: ['small', 'large'] });
    const result = await provider.check(new AbortController().signal);
    expect(result).toEqual({
      ok: true,
      detail: `Reached the model server at ${fake.url}; it lists small, large.`,
    });
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /v1/models']);
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('passes the check with a note when a model is not listed', async () => {
    const provider = createOpenAIProvider({ apiKey: KEY, baseURL: fake.url, models: ['small', 'huge'] });
    const result = await provider.check(new AbortController().signal);
    expect(result.ok).toBe(true);
    expect(result.detail).toMatch(/does not list huge/);
  });

  it('fails the check on a wrong key with a sentence naming OPENAI_API_KEY, never the key', async () => {
    const wrongKey = 'sk-wrong-check-key-000111222333';
    const provider = createOpenAIProvider({ apiKey: wrongKey, baseURL: fake.url, models: ['small'] });
    const result = await provider.check(new AbortController().signal);
    expect(result.ok).toBe(false);
    expect(result.detail).toBe(`The model server at ${fake.url} rejected the API key: check OPENAI_API_KEY`);
    expect(result.detail).not.toContain(wrongKey);
  });

  it('fails the check on an unreachable server, showing the URL but not the key', async () => {
    const gone = await startFakeOpenAI();
    await gone.close();
    const provider = createOpenAIProvider({ apiKey: KEY, baseURL: gone.url, models: ['small'] });
    const result = await provider.check(new AbortController().signal);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain(gone.url);
    expect(result.detail).toMatch(/connection refused.*OPENAI_BASE_URL/);
    expect(result.detail).not.toContain(KEY);
  });

  it('hides credentials written into the base URL', async () => {
    const gone = await startFakeOpenAI();
    await gone.close();
    const withCredentials = gone.url.replace('http://', 'http://user:hunter2@');
    const provider = createOpenAIProvider({ baseURL: withCredentials, models: ['small'] });
    const result = await provider.check(new AbortController().signal);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain(gone.url);
    expect(result.detail).not.toContain('hunter2');
  });

  it('fails the check when the server errors, and when it has no /models', async () => {
    const provider = createOpenAIProvider({ apiKey: KEY, baseURL: fake.url, models: ['small'] });
    fake.enqueueModels({ type: 'error', status: 503 }, { type: 'error', status: 404 });
    const unavailable = await provider.check(new AbortController().signal);
    expect(unavailable).toEqual({
      ok: false,
      detail: expect.stringMatching(/unavailable right now \(HTTP 503\)/),
    });
    const missing = await provider.check(new AbortController().signal);
    expect(missing).toEqual({
      ok: false,
      detail: expect.stringMatching(/no \/models endpoint.*OPENAI_BASE_URL/),
    });
  });

  it('gives up a stalled check when the signal aborts', async () => {
    const provider = createOpenAIProvider({ apiKey: KEY, baseURL: fake.url, models: ['small'] });
    fake.enqueueModels({ type: 'stall' });
    const controller = new AbortController();
    const pending = provider.check(controller.signal);
    await expect.poll(() => fake.requestCount).toBe(1);
    controller.abort();
    expect(await pending).toEqual({ ok: false, detail: `The check of ${fake.url} was cancelled.` });
  });
});
