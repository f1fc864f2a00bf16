import { spawn } from 'node:child_process';
import { runningAsRoot, SANDBOX_ID } from '../workspace';
import { bwrapArguments } from './bwrap';
import { type CommandLimits, limitedShell } from './limits';

/** How commands are isolated: inside bubblewrap, or (only when the owner set `SHELL_SANDBOX=off`) not at all. */
export type SandboxMode = 'bwrap' | 'none';

/** One command to run. */
export interface CommandRequest {
  readonly command: string;
  readonly mode: SandboxMode;
  /** The real path of the workspace. */
  readonly workspace: string;
  readonly network: boolean;
  readonly limits: CommandLimits;
  readonly signal: AbortSignal;
}

/** Why a command was stopped before it ended by itself. */
export type KilledBy = 'timeout' | 'output' | 'abort';

/** How a command ended. */
export interface CommandResult {
  /** The exit code; `null` when a signal ended it. */
  readonly exitCode: number | null;
  readonly exitSignal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they came, up to `keepOutputBytes`. */
  readonly output: string;
  /** Every byte the command wrote, kept or not. */
  readonly outputBytes: number;
  readonly killedBy?: KilledBy;
  readonly durationMs: number;
}

/** How long after the kill we wait for the process to report its end before we stop waiting. */
const EXIT_GRACE_MS = 1500;

function spawnArguments(request: CommandRequest): { file: string; args: string[] } {
  const shell = ['bash', '-c', limitedShell(request.limits), 'switchboard-shell', request.command];
  if (request.mode === 'none') return { file: shell[0] as string, args: shell.slice(1) };
  return {
    file: 'bwrap',
    args: [...bwrapArguments(request), ...shell],
  };
}

/**
 * Run one command with `bash -lc` under the caps, in its own process group: inside bubblewrap (as
 * `nobody` when the box runs as root, so the process cap counts only the sandbox's processes) or, in
 * `none` mode, directly in the workspace. The whole group is killed with SIGKILL when the time cap
 * passes, the output passes its cap, or `signal` aborts; the promise settles within
 * {@link EXIT_GRACE_MS} of that. Never rejects for the command's own failures.
 */
export function runCommand(request: CommandRequest): Promise<CommandResult> {
  const started = Date.now();
  const { file, args } = spawnArguments(request);
  const dropPrivileges = request.mode === 'bwrap' && runningAsRoot();
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: request.mode === 'bwrap' ? '/' : request.workspace,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env:
        request.mode === 'none'
          ? { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: request.workspace, LANG: 'C.UTF-8' }
          : { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      ...(dropPrivileges ? { uid: SANDBOX_ID, gid: SANDBOX_ID } : {}),
    });
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let outputBytes = 0;
    let killedBy: KilledBy | undefined;
    let settled = false;
    let grace: NodeJS.Timeout | undefined;

    const finish = (exitCode: number | null, exitSignal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      request.signal.removeEventListener('abort', onAbort);
      resolve({
        exitCode,
        exitSignal,
        output: Buffer.concat(kept).toString('utf8'),
        outputBytes,
        ...(killedBy === undefined ? {} : { killedBy }),
        durationMs: Date.now() - started,
      });
    };
    const kill = (why: KilledBy) => {
      killedBy ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      grace ??= setTimeout(() => finish(null, 'SIGKILL'), EXIT_GRACE_MS);
    };
    const onAbort = () => kill('abort');
    const onData = (chunk: Buffer) => {
      outputBytes += chunk.length;
      const room = request.limits.keepOutputBytes - keptBytes;
      if (room > 0) {
        const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
        kept.push(piece);
        keptBytes += piece.length;
      }
      if (outputBytes > request.limits.killAfterOutputBytes) kill('output');
    };
    const timer = setTimeout(() => kill('timeout'), request.limits.timeoutMs);
    request.signal.addEventListener('abort', onAbort, { once: true });
    if (request.signal.aborted) onAbort();
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      kept.push(Buffer.from(`could not start ${file}: ${error.message}`));
      finish(null, null);
    });
    child.on('close', (code, exitSignal) => finish(code, exitSignal));
  });
}
