import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat`; 0 when it is gone. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by every process whose command name is `name` (e.g. all `postgres` backends). */
export async function cpuSecondsByName(name: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '');
    if (comm.trim() === name) total += await cpuSecondsOf(Number(entry));
  }
  return total;
}

/** Where the CPU of a load run went, in milliseconds per command. */
export interface CpuPerCommand {
  readonly gateway: number;
  readonly workers: number;
  readonly postgres: number;
  readonly nats: number;
  /** This bench process: the load's HTTP clients and the fake model. */
  readonly bench: number;
}

/** A snapshot of CPU seconds of the processes a load run involves. */
export interface CpuSnapshot {
  readonly gateway: number;
  readonly workers: number;
  readonly postgres: number;
  readonly nats: number;
  readonly bench: number;
}

/** CPU seconds so far of the gateway (or the one process), the workers, Postgres, NATS and this process. */
export async function cpuSnapshot(gatewayPid: number, workerPids: readonly number[]): Promise<CpuSnapshot> {
  const usage = process.cpuUsage();
  let workers = 0;
  for (const pid of workerPids) workers += await cpuSecondsOf(pid);
  return {
    gateway: await cpuSecondsOf(gatewayPid),
    workers,
    postgres: await cpuSecondsByName('postgres'),
    nats: await cpuSecondsByName('nats-server'),
    bench: (usage.user + usage.system) / 1e6,
  };
}

/** The CPU between two snapshots, per command. */
export function cpuPerCommand(before: CpuSnapshot, after: CpuSnapshot, commands: number): CpuPerCommand {
  const per = (key: keyof CpuSnapshot) => ((after[key] - before[key]) * 1000) / commands;
  return {
    gateway: per('gateway'),
    workers: per('workers'),
    postgres: per('postgres'),
    nats: per('nats'),
    bench: per('bench'),
  };
}
