import { conversationKey, createLogger, type InboundEvent, type ReplyPart } from '@switchboard/core';
import { createTestDatabase, openStore, type Store, type TestDatabase } from '@switchboard/memory';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GUARD_LIMITS, guardLimitsFor } from '../loop/guards';
import { type AgentHarness, scriptedOpenAI, startAgentHarness } from '../test-harness';
import { createScheduler, type Scheduler } from './scheduler';

const postgres = process.env['DATABASE_URL'];
const silent = createLogger({ level: 'silent' });
const lastText = (parts: readonly ReplyPart[]) => {
  const last = parts.at(-1);
  return last?.type === 'reply-end' ? last.text : JSON.stringify(last);
};

describe(`schedules fire once at their time and post into the conversation that made them (${postgres ? 'Postgres' : 'PGlite'})`, () => {
  let fake: FakeOpenAI;
  let database: TestDatabase | undefined;
  let stores: Store[];
  let harness: AgentHarness;
  let clock = Date.parse('2026-12-07T09:00:00Z');
  const fired: InboundEvent[] = [];
  let workers: Scheduler[];
  const where = { channel: 'mornings', direct: false };

  beforeAll(async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'Good morning!' } });
    database = postgres ? await createTestDatabase(postgres) : undefined;
    const first = await openStore({ databaseUrl: database?.url, dataDir: 'memory://' });
    const second = database ? await openStore({ databaseUrl: database.url, dataDir: 'memory://' }) : first;
    stores = [first, second];
    harness = startAgentHarness({
      store: first,
      now: () => clock,
      providers: [scriptedOpenAI(fake.url)],
      registry: { defaultRef: 'openai:gpt-test' },
    });
    // Two workers, each with its own store (its own connection pool on Postgres) and scheduler.
    workers = stores.map((store) =>
      createScheduler({
        store,
        now: () => clock,
        logger: silent,
        fire: async (event) => {
          fired.push(event);
        },
      }),
    );
  });
  afterAll(async () => {
    await harness?.close();
    await fake.close();
    for (const store of new Set(stores)) await store.close();
    await database?.drop();
  });

  /** Both workers tick at the same moment (twice each); resolves with how many runs fired. */
  const tickAll = async () => {
    const before = fired.length;
    await Promise.all([...workers, ...workers].map((worker) => worker.tick()));
    return fired.length - before;
  };

  it('a schedule made by chat fires at its time, once across two workers, into the right conversation', async () => {
    const made = lastText(
      await harness.say('/schedule "30 10 * * *" tz:Europe/Berlin say good morning', where),
    );
    const id =
      /^Scheduled ([0-9a-f]{8}) · every day at 10:30 \(Europe\/Berlin\) · next 2026-12-07 10:30 · say good morning\./.exec(
        made,
      )?.[1];
    expect(id, made).toBeDefined();
    await harness.say('/ask something else', { channel: 'elsewhere', direct: false });

    clock = Date.parse('2026-12-07T09:29:59Z');
    expect(await tickAll()).toBe(0);
    clock = Date.parse('2026-12-07T09:30:00Z');
    expect(await tickAll()).toBe(1);
    expect(await tickAll()).toBe(0);
    expect(fired).toHaveLength(1);
    const [run] = fired;
    if (run === undefined) throw new Error('no run fired');
    expect(run).toMatchObject({
      id: `schedule:${id}:${Date.parse('2026-12-07T09:30:00Z')}`,
      conversation: { platform: 'telegram', account: 'bot', channel: 'mornings', direct: false },
      author: { platformUserId: '1' },
      command: { name: 'ask', args: 'say good morning' },
      reply: { platform: 'telegram' },
    });

    await harness.agent.handle(run, { attempt: 1, signal: new AbortController().signal });
    expect(lastText(harness.partsOf(run.id))).toBe('Good morning!');
    const key = conversationKey(run.conversation);
    const [task] = (await stores[1]?.listTasks(key, 1, 'ask')) ?? [];
    expect(task).toMatchObject({ eventId: run.id, status: 'succeeded' });
    const [schedule] = (await stores[1]?.listSchedules(key)) ?? [];
    expect(schedule).toMatchObject({ runs: 1, nextRunAt: new Date('2026-12-08T09:30:00Z') });

    clock = Date.parse('2026-12-08T09:30:00Z');
    expect(await tickAll()).toBe(1);
    expect(fired).toHaveLength(2);
  });

  it('lists and removes schedules per conversation; a removed one never fires', async () => {
    const made = lastText(await harness.say('/schedule in 10m check the oven', where));
    const id = /^Scheduled ([0-9a-f]{8})/.exec(made)?.[1] ?? '';
    expect(lastText(await harness.say('/schedules', where))).toContain(`${id} · at `);
    expect(lastText(await harness.say('/schedules', { channel: 'elsewhere', direct: false }))).toContain(
      'No schedules',
    );
    expect(lastText(await harness.say(`/unschedule ${id}`, { channel: 'elsewhere', direct: false }))).toBe(
      `No schedule ${id} in this conversation.`,
    );
    expect(lastText(await harness.say(`/unschedule ${id}`, where))).toBe(`Removed schedule ${id}.`);
    const before = fired.length;
    clock += 11 * 60_000;
    await tickAll();
    expect(fired.slice(before).filter((event) => event.id.includes(id))).toEqual([]);
  });

  it('fires a one-off once, then never again', async () => {
    const made = lastText(await harness.say('/schedule in 5m stretch', where));
    const id = /^Scheduled ([0-9a-f]{8})/.exec(made)?.[1] ?? '';
    clock += 5 * 60_000;
    await tickAll();
    clock += 24 * 3_600_000;
    await tickAll();
    expect(fired.filter((event) => event.id.startsWith(`schedule:${id}:`))).toHaveLength(1);
  });

  it('refuses what it cannot read, saying how to write it', async () => {
    const parts = await harness.say('/schedule "61 * * * *" nope', where);
    expect(parts.at(-1)).toMatchObject({ type: 'error', code: 'invalid_schedule' });
    const zone = await harness.say('/schedule in 1h tz:Mars/Olympus x', where);
    expect(zone.at(-1)).toMatchObject({ type: 'error', message: expect.stringContaining('Mars/Olympus') });
    const past = await harness.say('/schedule at 2020-01-01T00:00 too late', where);
    expect(past.at(-1)).toMatchObject({ type: 'error', message: expect.stringContaining('in the past') });
  });

  it("a schedule's run gets the tighter caps, never looser than an asked question's", () => {
    expect(guardLimitsFor({ maxTaskTokens: 80_000 }, {})).toMatchObject({
      maxTaskTokens: 50_000,
      maxToolCalls: 10,
      maxTaskCostUsd: 0.25,
    });
    expect(guardLimitsFor({ maxTaskTokens: 1_000 }, { maxTaskTokens: 50_000 }).maxTaskTokens).toBe(1_000);
    expect(guardLimitsFor(undefined, undefined)).toEqual(DEFAULT_GUARD_LIMITS);
  });
});
