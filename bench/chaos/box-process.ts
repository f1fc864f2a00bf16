import { type ChildProcess, spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BoxLauncher } from './box-launcher';

/** Settings of a {@link BoxProcess}. */
export interface BoxProcessOptions {
  readonly launcher: BoxLauncher;
  /** The box's whole environment (nothing of the bench's own leaks in). */
  readonly env: Readonly<Record<string, string>>;
  /** Its working folder: no `.env` or `switchboard.config.json` there. */
  readonly cwd: string;
  /** Standard output and error of every start are appended here. */
  readonly logFile: string;
  /** `http://127.0.0.1:PORT`, where `/healthz` answers once it is up. */
  readonly url: string;
  /** The longest a start may take before `/healthz` answers 200. */
  readonly startTimeoutMs?: number;
}

/** The box failed to start, or did not stop. */
export class BoxProcessError extends Error {
  override readonly name = 'BoxProcessError';
}

/**
 * The box as a child process, seen from outside: started with its CLI, ready once `/healthz` answers 200,
 * killed with SIGKILL (a power cut), stopped with SIGTERM.
 */
export class BoxProcess {
  readonly #options: BoxProcessOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<number | null> | undefined;
  #starts = 0;
  /** How long each start took until `/healthz` answered, in milliseconds. */
  readonly startupMs: number[] = [];

  constructor(options: BoxProcessOptions) {
    this.#options = options;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** The running box's process id (its task leases name it), or undefined when it is not running. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Start the box and wait until `/healthz` answers 200; throws with the end of its log if it exits first. */
  async start(): Promise<void> {
    if (this.#child) throw new BoxProcessError('the box is already running');
    this.#starts += 1;
    const log = await open(this.#options.logFile, 'a');
    await log.write(`\n===== start ${this.#starts} at ${new Date().toISOString()} =====\n`);
    const startedAt = performance.now();
    const child = spawn(this.#options.launcher.command, [...this.#options.launcher.args], {
      cwd: this.#options.cwd,
      env: { ...this.#options.env },
      stdio: ['ignore', log.fd, log.fd],
    });
    await log.close();
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        if (this.#child === child) this.#child = undefined;
        resolve(code);
      });
      child.once('error', () => resolve(null));
    });
    const exitedEarly = this.#exited.then(() => 'exited' as const);
    const deadline = performance.now() + (this.#options.startTimeoutMs ?? 90_000);
    while (performance.now() < deadline) {
      const outcome = await Promise.race([this.#healthy(), exitedEarly]);
      if (outcome === true) {
        this.startupMs.push(performance.now() - startedAt);
        return;
      }
      if (outcome === 'exited') {
        throw new BoxProcessError(`the box exited while starting:\n${await this.logTail()}`);
      }
      await sleep(100);
    }
    await this.kill();
    throw new BoxProcessError(`the box did not answer /healthz in time:\n${await this.logTail()}`);
  }

  async #healthy(): Promise<boolean> {
    try {
      const response = await fetch(`${this.#options.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return response.status === 200;
    } catch {
      return false;
    }
  }

  /** SIGKILL, as a power cut: no shutdown code runs. Resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM, as `systemctl stop` would; SIGKILL after `graceMs`. Resolves with whether it exited by itself. */
  async stop(graceMs = 20_000): Promise<boolean> {
    const child = this.#child;
    if (!child) return true;
    child.kill('SIGTERM');
    const exited = await Promise.race([this.#exited?.then(() => true), sleep(graceMs, false)]);
    if (!exited) await this.kill();
    return exited === true;
  }

  /** The last lines the box wrote. */
  async logTail(lines = 30): Promise<string> {
    const text = await readFile(this.#options.logFile, 'utf8').catch(() => '');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  }
}
