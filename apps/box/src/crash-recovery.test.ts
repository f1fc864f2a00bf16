import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readParts } from '@switchboard/adapter-web';
import type { ReplyPart } from '@switchboard/core';
import { createTestDatabase } from '@switchboard/memory';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, freePort, spawnCli } from './cli-harness';

/**
 * `switchboard start` as a real process, SIGKILLed in the middle of an answer and started again on the
 * same database: the task is recovered (asked again), and the client's retry with the same
 * Idempotency-Key gets the final reply — never a hang — while `/tasks` tells the truth.
 */

const RUNNING = /Switchboard is running/;
const ANSWER = Array.from({ length: 40 }, (_, index) => `word${index}`).join(' ');

const drivers: {
  name: string;
  env(folder: string): Promise<{ env: Record<string, string>; drop(): Promise<void> }>;
}[] = [
  {
    name: 'PGlite',
    env: async (folder) => ({ env: { SWITCHBOARD_DATA_DIR: join(folder, 'data') }, drop: async () => {} }),
  },
];
if (process.env['DATABASE_URL']) {
  drivers.push({
    name: 'Postgres',
    env: async () => {
      const database = await createTestDatabase();
      return { env: { DATABASE_URL: database.url }, drop: () => database.drop() };
    },
  });
}

/** POST a question and read its parts; `until` may stop reading early (the connection is dropped). */
async function ask(
  url: string,
  text: string,
  key: string,
  until: (part: ReplyPart) => boolean = () => false,
): Promise<{ status: number; parts: ReplyPart[] }> {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ conversation: 'crash', text }),
    signal: controller.signal,
  });
  const parts: ReplyPart[] = [];
  if (response.status !== 200 || response.body === null) return { status: response.status, parts };
  try {
    for await (const part of readParts(response.body)) {
      parts.push(part);
      if (until(part)) break;
    }
  } catch {
    // The box went away mid-stream.
  }
  controller.abort();
  return { status: response.status, parts };
}

describe.each(drivers)('a box killed mid-answer on $name', (driver) => {
  let fake: FakeOpenAI;
  let folder: string;
  const boxes: CliProcess[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAI({
      defaultBehaviour: { type: 'text', text: ANSWER, chunkSize: 6, delayMs: 60 },
    });
    folder = await mkdtemp(join(tmpdir(), 'switchboard-crash-'));
  });
  afterAll(async () => {
    for (const box of boxes)
      if (box.child.exitCode === null && box.child.signalCode === null) box.child.kill('SIGKILL');
    await Promise.all(boxes.map((box) => box.exited));
    await fake.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('answers the retry with the same Idempotency-Key after the restart, and /tasks is truthful', async () => {
    const database = await driver.env(folder);
    const port = await freePort();
    const env = {
      ...database.env,
      PORT: String(port),
      OPENAI_BASE_URL: fake.url,
      OPENAI_MODELS: 'fake-model',
      SWITCHBOARD_DEMO_MODEL: 'off',
    };
    const url = `http://127.0.0.1:${port}`;
    try {
      const first = spawnCli(['start'], folder, env);
      boxes.push(first);
      await first.waitFor(RUNNING);
      const interrupted = await ask(url, 'tell me forty words', 'crash-key-1', (part) => {
        if (part.type === 'text-delta') first.child.kill('SIGKILL');
        return part.type === 'text-delta';
      });
      expect(interrupted.parts.some((part) => part.type === 'text-delta')).toBe(true);
      await first.exited;

      const second = spawnCli(['start'], folder, env);
      boxes.push(second);
      await second.waitFor(RUNNING);
      let retried = await ask(url, 'tell me forty words', 'crash-key-1');
      for (let attempt = 0; retried.status !== 200 && attempt < 20; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        retried = await ask(url, 'tell me forty words', 'crash-key-1');
      }
      const finals = retried.parts.filter((part) => part.type === 'reply-end' || part.type === 'error');
      expect(finals).toEqual([expect.objectContaining({ type: 'reply-end', text: ANSWER })]);

      const again = await ask(url, 'tell me forty words', 'crash-key-1');
      expect(again.parts).toEqual([expect.objectContaining({ type: 'reply-end', text: ANSWER })]);

      const tasks = await ask(url, '/tasks', 'crash-tasks-1');
      const listing = tasks.parts.at(-1);
      expect(listing).toMatchObject({ type: 'reply-end' });
      const text = listing?.type === 'reply-end' ? listing.text : '';
      expect(text).toMatch(/succeeded/);
      expect(text).not.toMatch(/running|queued/);

      second.child.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    } finally {
      await database.drop();
    }
  }, 240_000);
});
