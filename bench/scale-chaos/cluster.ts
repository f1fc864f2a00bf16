import { join } from 'node:path';
import type { BoxLauncher } from '../chaos/box-launcher';
import { BoxProcess } from '../chaos/box-process';
import { freePort } from '../chaos/free-port';

/** A gateway and its workers as child processes on one NATS prefix and one Postgres database. */
export interface Cluster {
  readonly gateway: BoxProcess;
  readonly gatewayUrl: string;
  readonly workers: readonly BoxProcess[];
  /** SIGTERM everything, workers last; true when every process exited by itself. */
  stop(): Promise<boolean>;
}

/** Start a gateway and `workers` workers (each waits for its `/healthz`). */
export async function startCluster(options: {
  readonly launcher: BoxLauncher;
  readonly env: Readonly<Record<string, string>>;
  readonly workers: number;
  readonly folder: string;
}): Promise<Cluster> {
  const spawnRole = async (role: 'gateway' | 'worker', index: number) => {
    const port = await freePort();
    const box = new BoxProcess({
      launcher: options.launcher,
      env: { ...options.env, PORT: String(port), SWITCHBOARD_ROLE: role },
      cwd: options.folder,
      logFile: join(options.folder, `${role}-${index}.log`),
      url: `http://127.0.0.1:${port}`,
    });
    await box.start();
    return { box, url: `http://127.0.0.1:${port}` };
  };
  const workers: BoxProcess[] = [];
  for (let index = 0; index < options.workers; index++) workers.push((await spawnRole('worker', index)).box);
  const gateway = await spawnRole('gateway', 0);
  return {
    gateway: gateway.box,
    gatewayUrl: gateway.url,
    workers,
    async stop() {
      const stopped = [await gateway.box.stop()];
      for (const worker of workers) stopped.push(await worker.stop());
      return stopped.every(Boolean);
    },
  };
}
