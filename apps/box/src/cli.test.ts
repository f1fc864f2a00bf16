import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));

function run(args: string[], env: Record<string, string>) {
  const { PATH, HOME } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', main, ...args], {
    env: { PATH: PATH ?? '', HOME: HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('the switchboard CLI', () => {
  it('exits with one paragraph naming each wrong variable, not a stack trace', () => {
    const result = run(['start'], { OPENAI_BASE_URL: 'not a url', LOG_LEVEL: 'loud', PORT: 'abc' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^Switchboard cannot start: the configuration has 3 problems\./);
    for (const variable of ['OPENAI_BASE_URL', 'LOG_LEVEL', 'PORT'])
      expect(result.stderr).toContain(`- ${variable}:`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the missing key of the provider the default model needs', () => {
    const result = run(['start'], { SWITCHBOARD_DEFAULT_MODEL: 'openai:gpt-4o-mini' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      '- OPENAI_API_KEY: required because SWITCHBOARD_DEFAULT_MODEL uses openai',
    );
  });

  it('refuses an unknown command with a hint', () => {
    const result = run(['frobnicate'], {});
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('switchboard help');
  });
});
