import { loadConfig } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { builtinTools, shellAvailability } from './builtins';

const settings = (env: Record<string, string> = {}) => loadConfig({ env, file: false }).tools;
const missing = {
  available: false,
  detail: 'bubblewrap (bwrap) is not installed: apt-get install bubblewrap',
};
const working = { available: true, detail: 'bubblewrap runs sandboxes' };
const names = (env: Record<string, string>, sandbox: typeof missing) =>
  builtinTools(settings(env), shellAvailability(settings(env), sandbox)).map((tool) => tool.name);

describe('which built-in tools the box offers', () => {
  it('offers the shell in bubblewrap where it runs, with the network off by default', () => {
    expect(names({}, working)).toEqual(['read_file', 'write_file', 'list_files', 'http_fetch', 'shell']);
    expect(shellAvailability(settings(), working)).toMatchObject({ on: true, mode: 'bwrap' });
    expect(shellAvailability(settings(), working).detail).toContain('network off');
  });
  it('turns the shell off without bwrap, saying why and what to do', () => {
    expect(names({}, missing)).not.toContain('shell');
    const shell = shellAvailability(settings(), missing);
    expect(shell).toMatchObject({ on: false });
    expect(shell.detail).toMatch(/install bubblewrap, or set SHELL_SANDBOX=off/);
  });
  it('runs the shell unsandboxed only when SHELL_SANDBOX=off is set explicitly', () => {
    expect(names({ SHELL_SANDBOX: 'off' }, missing)).toContain('shell');
    expect(shellAvailability(settings({ SHELL_SANDBOX: 'off' }), missing)).toMatchObject({
      on: true,
      mode: 'none',
    });
  });
  it('reads APPROVAL_TTL and rejects nonsense with the variable named', () => {
    expect(settings().approvalTtlMs).toBe(600_000);
    expect(settings({ APPROVAL_TTL: '2m' }).approvalTtlMs).toBe(120_000);
    expect(() => settings({ APPROVAL_TTL: 'soon' })).toThrow(/APPROVAL_TTL/);
  });
});
