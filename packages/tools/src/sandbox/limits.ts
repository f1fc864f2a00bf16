/** The caps one shell command runs under. */
export interface CommandLimits {
  /** Wall time; the whole process group is killed after it. */
  readonly timeoutMs: number;
  /** CPU seconds (`ulimit -t`). */
  readonly cpuSeconds: number;
  /** Address space per process, in KiB (`ulimit -v`). */
  readonly memoryKiB: number;
  /** Processes and threads of the sandbox user (`ulimit -u`): what stops a fork bomb. */
  readonly processes: number;
  /** The largest file a command may write, in KiB (`ulimit -f`). */
  readonly fileKiB: number;
  /** Output kept for the model (stdout and stderr together); the rest is counted, not kept. */
  readonly keepOutputBytes: number;
  /** Output after which the command is killed: a command that floods gets stopped, not buffered. */
  readonly killAfterOutputBytes: number;
}

/** The defaults: two minutes, one minute of CPU, 1 GiB, 256 processes, 100 MiB files, 64 KiB kept, 4 MiB max. */
export const DEFAULT_COMMAND_LIMITS: CommandLimits = {
  timeoutMs: 120_000,
  cpuSeconds: 60,
  memoryKiB: 1_048_576,
  processes: 256,
  fileKiB: 102_400,
  keepOutputBytes: 65_536,
  killAfterOutputBytes: 4_194_304,
};

/** The shell prelude that applies the `ulimit` caps, then runs the command given as `$1` in a login shell. */
export function limitedShell(limits: CommandLimits): string {
  return [
    `ulimit -t ${limits.cpuSeconds}`,
    `ulimit -v ${limits.memoryKiB}`,
    `ulimit -u ${limits.processes}`,
    `ulimit -f ${limits.fileKiB}`,
    'exec bash -lc "$1"',
  ].join(' && ');
}
