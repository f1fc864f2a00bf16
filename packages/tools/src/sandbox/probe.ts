import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureWorkspace } from '../workspace';
import { DEFAULT_COMMAND_LIMITS } from './limits';
import { runCommand } from './run';

/** Whether bubblewrap can run sandboxes on this machine, and in words why not. */
export interface SandboxCheck {
  readonly available: boolean;
  readonly detail: string;
}

let cached: Promise<SandboxCheck> | undefined;

async function probe(): Promise<SandboxCheck> {
  const folder = await mkdtemp(path.join(tmpdir(), 'switchboard-sandbox-probe-'));
  try {
    await chmod(folder, 0o755);
    const workspace = await ensureWorkspace(folder);
    const result = await runCommand({
      command: 'echo sandbox-ok',
      mode: 'bwrap',
      workspace,
      network: false,
      limits: { ...DEFAULT_COMMAND_LIMITS, timeoutMs: 10_000 },
      signal: new AbortController().signal,
    });
    if (result.exitCode === 0 && result.output.includes('sandbox-ok'))
      return { available: true, detail: 'bubblewrap runs sandboxes' };
    const why = result.output.trim().split('\n').at(-1) ?? `exit code ${result.exitCode}`;
    return {
      available: false,
      detail: why.includes('could not start bwrap')
        ? 'bubblewrap (bwrap) is not installed: apt-get install bubblewrap'
        : `bubblewrap cannot create a sandbox here (${why}); user namespaces may be off`,
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Check once per process whether bubblewrap works (runs `echo` in a sandbox); later calls reuse the answer. */
export function checkSandbox(): Promise<SandboxCheck> {
  cached ??= probe();
  return cached;
}
