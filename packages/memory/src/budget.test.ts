import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_MEMORY } from './connect-pglite';
import { openStore } from './open';
import type { Store } from './store';
import { createTestDatabase } from './testing';

interface Driver {
  readonly name: string;
  setUp(): Promise<{ databaseUrl?: string; dataDir: string; drop(): Promise<void> }>;
}

const drivers: Driver[] = [
  { name: 'PGlite', setUp: async () => ({ dataDir: IN_MEMORY, drop: async () => {} }) },
];
if (process.env['DATABASE_URL']) {
  drivers.push({
    name: 'Postgres',
    setUp: async () => {
      const database = await createTestDatabase();
      return { databaseUrl: database.url, dataDir: IN_MEMORY, drop: () => database.drop() };
    },
  });
}

const DAY = '2026-03-04';

describe.each(drivers)('the cloud budget ledger on $name', (driver) => {
  let store: Store;
  let location: Awaited<ReturnType<Driver['setUp']>>;

  beforeAll(async () => {
    location = await driver.setUp();
    store = await openStore(location);
  });
  afterAll(async () => {
    await store?.close();
    await location?.drop();
  });

  it('never lets concurrent reservations pass the budget together', async () => {
    const authorId = `telegram:${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        store.reserveCloudSpend({ authorId, day: DAY, amountUsd: 0.02, budgetUsd: 0.05 }),
      ),
    );
    expect(results.filter((result) => result.reserved)).toHaveLength(2);
    expect(Math.max(...results.map((result) => result.committedUsd))).toBeCloseTo(0.04, 10);
  });

  it('settles to the real cost, which makes room again, and never goes below zero', async () => {
    const authorId = `telegram:${randomUUID()}`;
    const ask = () => store.reserveCloudSpend({ authorId, day: DAY, amountUsd: 0.03, budgetUsd: 0.05 });
    expect((await ask()).reserved).toBe(true);
    expect(await ask()).toEqual({ reserved: false, committedUsd: 0.03 });
    await store.adjustCloudSpend(authorId, DAY, 0.001 - 0.03);
    expect(await ask()).toEqual({ reserved: true, committedUsd: 0.031 });
    await store.adjustCloudSpend(authorId, DAY, -1);
    expect(await ask()).toEqual({ reserved: true, committedUsd: 0.03 });
  });

  it("counts the day's cloud tasks settled before the first reservation, not local ones or other days", async () => {
    const authorId = `telegram:${randomUUID()}`;
    const conversation = await store.ensureConversation({
      platform: 'telegram',
      account: 'bot',
      channel: randomUUID(),
      direct: true,
    });
    const paid = async (model: string, costUsd: number, createdAt: Date) => {
      const id = randomUUID();
      await store.beginTask({
        id,
        eventId: `e:${id}`,
        conversationKey: conversation.key,
        authorId,
        command: 'ask',
        createdAt,
      });
      await store.updateTask(id, { model, costUsd, status: 'succeeded' });
    };
    await paid('openai:gpt-4o', 0.04, new Date(`${DAY}T10:00:00Z`));
    await paid('llama:qwen', 5, new Date(`${DAY}T11:00:00Z`));
    await paid('openai:gpt-4o', 5, new Date('2026-03-03T23:59:59Z'));
    const refused = await store.reserveCloudSpend({ authorId, day: DAY, amountUsd: 0.02, budgetUsd: 0.05 });
    expect(refused).toEqual({ reserved: false, committedUsd: 0.04 });
    const taken = await store.reserveCloudSpend({ authorId, day: DAY, amountUsd: 0.01, budgetUsd: 0.05 });
    expect(taken.reserved).toBe(true);
    expect(taken.committedUsd).toBeCloseTo(0.05, 10);
  });
});
