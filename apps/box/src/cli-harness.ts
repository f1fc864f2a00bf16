/**
 * Test support (imported only by *.test.ts): the `switchboard` CLI as a real child process, run
 * through tsx from a folder of the test's own, with only the environment the test gives it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const tsxLoader = join(
  dirname(createRequire(import.meta.url).resolve('tsx/package.json')),
  'dist',
  'loader.mjs',
);

/** A running `switchboard` command. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with `Date.now()` when stdout or stderr first matches `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<number>;
  /** Resolves when the process has ended, with its exit code and the time it ended. */
  readonly exited: Promise<{
    readonly code: number | null;
    readonly signal: string | null;
    readonly at: number;
  }>;
}

/** Start `switchboard <args>` in `cwd` with `env` (plus PATH and HOME). */
export function spawnCli(args: readonly string[], cwd: string, env: Record<string, string>): CliProcess {
  const { PATH, HOME } = process.env;
  const child = spawn(process.execPath, ['--import', tsxLoader, main, ...args], {
    cwd,
    env: { PATH: PATH ?? '', HOME: HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let ended = false;
  const watchers: { pattern: RegExp; resolve: (at: number) => void; reject: (error: Error) => void }[] = [];
  const check = () => {
    for (const watcher of [...watchers]) {
      if (watcher.pattern.test(stdout) || watcher.pattern.test(stderr)) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve(Date.now());
      } else if (ended) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.reject(
          new Error(`the process ended without printing ${watcher.pattern}:\n${stdout}\n${stderr}`),
        );
      }
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    check();
  });
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) => {
    child.once('close', (code, signal) => {
      ended = true;
      check();
      resolve({ code, signal, at: Date.now() });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor(pattern, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no output matched ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
        }, timeoutMs);
        watchers.push({
          pattern,
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        check();
      });
    },
  };
}

/** Run `switchboard <args>` to its end (killed after `timeoutMs`). */
export async function runCli(
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(args, cwd, env);
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), timeoutMs);
  const { code } = await cli.exited;
  clearTimeout(timer);
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
