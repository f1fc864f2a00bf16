import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { type TerminalSize, VirtualTerminal } from './virtual-terminal';

/** A program to run in a pseudo-terminal. */
export interface PtyProcessOptions {
  readonly command: string;
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly size?: TerminalSize;
}

/** A program running in a pseudo-terminal, its output drawn on a {@link VirtualTerminal}. */
export interface PtyProcess {
  readonly terminal: VirtualTerminal;
  /** Type keys: text, `\r` for Enter, `\x03` for Ctrl+C, `\x04` for Ctrl+D. */
  type(keys: string): void;
  /** Resolves when the screen (scrollback included) matches; rejects with the screen after `timeoutMs`. */
  waitFor(match: RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  /** The exit code once the program ended (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Kill the program and its pseudo-terminal. */
  kill(): void;
}

const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

/**
 * Run a program with a real pseudo-terminal as its stdin and stdout, through util-linux `script` (no
 * native module needed). The terminal is `size` (default 100×30) as the program sees it.
 */
export function spawnInPty(options: PtyProcessOptions): PtyProcess {
  const size = options.size ?? { columns: 100, rows: 30 };
  const terminal = new VirtualTerminal(size);
  const command = [options.command, ...(options.args ?? [])].map(quote).join(' ');
  const shell = `stty cols ${size.columns} rows ${size.rows}; exec ${command}`;
  const child: ChildProcessWithoutNullStreams = spawn('script', ['-qfec', shell, '/dev/null'], {
    env: { ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const watchers = new Set<() => void>();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    terminal.write(chunk);
    void terminal.settled().then(() => {
      for (const watcher of watchers) watcher();
    });
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => terminal.write(chunk));
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => resolve(code));
  });
  return {
    terminal,
    exited,
    type(keys) {
      child.stdin.write(keys);
    },
    waitFor(match, timeoutMs = 60_000) {
      const test = typeof match === 'function' ? match : (screen: string) => match.test(screen);
      return new Promise((resolve, reject) => {
        const check = () => {
          const screen = terminal.text();
          if (!test(screen)) return;
          finish();
          resolve(screen);
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`the screen never matched ${String(match)}; it shows:\n${terminal.text()}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          watchers.delete(check);
        };
        watchers.add(check);
        void terminal.settled().then(check);
      });
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}
