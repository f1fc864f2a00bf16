import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Run the CLI without blocking this process, so the fake server in it can answer. */
function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const { PATH, HOME } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    env: { PATH: PATH ?? '', HOME: HOME ?? '', ...env },
    timeout: 60_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('switchboard models', () => {
  let fake: FakeOpenAI;
  let env: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: 'sk-cli-models', models: ['gpt-4o-mini', 'house'] });
    env = {
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: 'sk-cli-models',
      OPENAI_MODELS: 'gpt-4o-mini,house,mystery',
      SWITCHBOARD_DEFAULT_MODEL: 'openai:house',
      SWITCHBOARD_PRICES: JSON.stringify({ 'openai:house': { input: 1, output: 2.5 } }),
      SWITCHBOARD_DATA_DIR: 'memory://',
      SWITCHBOARD_DEMO_MODEL: 'off',
      LLAMA_MODELS_DIR: mkdtempSync(join(tmpdir(), 'sb-cli-models-')),
    };
  });
  afterAll(async () => {
    await fake.close();
  });

  it('lists the configured models with the default, their health and prices from the table and SWITCHBOARD_PRICES', async () => {
    const result = await run(['models'], env);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('Models (3):');
    const row = (ref: string) => lines.find((line) => line.trim().startsWith(`${ref} `)) ?? '';
    expect(row('openai:gpt-4o-mini')).toMatch(/✓ ready\s+\$0\.15 in \/ \$0\.60 out per 1M tokens$/);
    expect(row('openai:house')).toMatch(/ default .*✓ ready\s+\$1\.00 in \/ \$2\.50 out per 1M tokens$/);
    // The fake listens on 127.0.0.1, so the provider counts it as local: an unpriced local model is free.
    expect(row('openai:mystery')).toMatch(/local\s+✓ ready\s+free \(local\)$/);
    expect(fake.requests.some((request) => request.path === '/v1/models')).toBe(true);
  });

  it('exits 1 and says what to fix when the provider rejects the key, never printing the key', async () => {
    const result = await run(['models'], { ...env, OPENAI_API_KEY: 'sk-wrong-key' });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/openai:gpt-4o-mini .*✗ openai check failed/);
    expect(result.stdout).toMatch(/Problems:\n {2}✗ openai: .*OPENAI_API_KEY/);
    expect(result.stdout + result.stderr).not.toContain('sk-wrong-key');
  });
});
