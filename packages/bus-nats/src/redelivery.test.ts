import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { natsUrl, pause, Recorder, reportSkip, TestBuses, testEvent } from './test-support';

reportSkip('redelivery.test.ts');

const dyingWorker = fileURLToPath(new URL('./fixtures/dying-worker.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** A line the worker process printed. */
type WorkerLine = { ready: true } | { started: string; attempt: number };

describe.skipIf(!natsUrl)('redelivery when a worker process dies', () => {
  const buses = new TestBuses();
  const children = new Set<ChildProcess>();
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
    children.clear();
  });
  afterAll(() => buses.cleanup());

  it('gives the event of a SIGKILLed worker to another after the ack wait, before the next event of its conversation', async () => {
    const ackWaitMs = 1500;
    const prefix = buses.prefix();
    const run = randomUUID().slice(0, 8);
    const survivor = await buses.open({ prefix, ackWaitMs });

    const child = spawn(process.execPath, ['--import', 'tsx', dyingWorker], {
      cwd: repositoryRoot,
      env: { ...process.env, BUS_PREFIX: prefix, BUS_ACK_WAIT_MS: String(ackWaitMs) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.add(child);
    const printed = new Recorder<WorkerLine>();
    createInterface({ input: child.stdout }).on('line', (line) =>
      printed.push(JSON.parse(line) as WorkerLine),
    );
    await printed.until(
      (lines) => lines.some((line) => 'ready' in line),
      'the worker process to start',
      30_000,
    );

    const first = testEvent(run, 'first', 'c1');
    const second = testEvent(run, 'second', 'c1');
    expect(await survivor.enqueue(first)).toEqual({ status: 'accepted' });
    await printed.until(
      (lines) => lines.some((line) => 'started' in line && line.started === first.id),
      'the worker process to start the first event',
    );
    expect(await survivor.enqueue(second)).toEqual({ status: 'accepted' });

    const seen = new Recorder<{ id: string; attempt: number }>();
    survivor.work(
      async (event, job) => {
        seen.push({ id: event.id, attempt: job.attempt });
      },
      { concurrency: 2 },
    );
    // While the other process holds the first event (renewing its lease), the second must wait.
    await pause(2 * ackWaitMs);
    expect(seen.items).toEqual([]);

    child.kill('SIGKILL');
    await once(child, 'exit');
    await seen.until((items) => items.length === 2, 'both events at the surviving worker');
    expect(seen.items).toEqual([
      { id: first.id, attempt: 2 },
      { id: second.id, attempt: 1 },
    ]);
    expect(printed.items.filter((line) => 'started' in line)).toEqual([{ started: first.id, attempt: 1 }]);
  });
});
