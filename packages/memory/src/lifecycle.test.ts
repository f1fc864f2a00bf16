import { randomUUID } from 'node:crypto';
import { conversationKey, type InboundEvent } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_MEMORY } from './connect-pglite';
import { openStore } from './open';
import { BACKGROUND_TASK_EVENT } from './records';
import type { Store } from './store';
import { newEvent } from './test-event';
import { createTestDatabase } from './testing';

const drivers: { name: string; open(): Promise<{ store: Store; drop(): Promise<void> }> }[] = [
  {
    name: 'PGlite',
    open: async () => ({ store: await openStore({ dataDir: IN_MEMORY }), drop: async () => {} }),
  },
];
if (process.env['DATABASE_URL']) {
  drivers.push({
    name: 'Postgres',
    open: async () => {
      const database = await createTestDatabase();
      return {
        store: await openStore({ dataDir: IN_MEMORY, databaseUrl: database.url }),
        drop: () => database.drop(),
      };
    },
  });
}

const ME = { owner: 'host:1:me', ms: 30_000 };
const DEAD = { owner: 'host:2:dead', ms: 30_000 };

describe.each(drivers)('the task lifecycle on $name', (driver) => {
  let store: Store;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ store, drop } = await driver.open());
  });
  afterAll(async () => {
    await store.close();
    await drop();
  });

  /** Record `event` with task `taskId`, `running` under `lease`. */
  const recordRunning = (event: InboundEvent, taskId: string, lease = ME) =>
    store.recordInbound({ event, taskId, authorId: 'a', command: 'ask', status: 'running', lease });

  /** A worker's claim of `event`'s task (a new task id, used when no inbox recorded one). */
  const claimOf = (event: InboundEvent, lease: typeof ME, redelivered = false) => ({
    id: randomUUID(),
    eventId: event.id,
    conversation: event.conversation,
    authorId: 'a',
    command: 'ask',
    lease,
    redelivered,
  });

  it('records an inbound event with its task once, and answers a redelivery with that task', async () => {
    const event = newEvent('with a NUL \u0000 inside');
    const entry = { event, taskId: randomUUID(), authorId: 'telegram:1', command: 'ask', lease: ME };
    const first = await store.recordInbound({ ...entry, status: 'running' });
    expect(first).toEqual({ status: 'recorded', taskId: entry.taskId });
    const again = await store.recordInbound({ ...entry, taskId: randomUUID(), status: 'running' });
    expect(again).toMatchObject({ status: 'duplicate', delivered: false, task: { id: entry.taskId } });
    const sentAgain = await store.recordInbound({ ...entry, status: 'running' });
    expect(sentAgain, 'the same entry again (its first answer lost) is its own record').toEqual(first);
    expect(await store.inboundEvent(event.id)).toMatchObject({ text: 'with a NUL  inside' });
    const loaded = await store.loadTask(entry.taskId, event.conversation);
    expect(loaded?.task).toMatchObject({ status: 'running', attempts: 1, leaseOwner: ME.owner });
    expect(loaded?.conversation.key).toBe(conversationKey(event.conversation));
  });

  it('tells which platform messages another request of the conversation recorded (ADR 0049)', async () => {
    const first = newEvent('first');
    const second: InboundEvent = { ...newEvent('second'), conversation: first.conversation };
    const elsewhere = newEvent('another conversation');
    for (const event of [first, second, elsewhere])
      await store.recordInbound({
        event,
        taskId: randomUUID(),
        authorId: 'telegram:1',
        command: 'ask',
        status: 'running',
        lease: DEAD,
      });
    await store.recordSent(first.id, [{ platform: 'telegram', id: '10', address: first.reply }]);
    await store.recordSent(elsewhere.id, [{ platform: 'telegram', id: '12', address: elsewhere.reply }]);
    const query = {
      conversationKey: conversationKey(first.conversation),
      since: new Date(Date.now() - 60_000),
    };
    expect(await store.recordedForOthers({ ...query, eventId: second.id })).toEqual(['10']);
    expect(await store.recordedForOthers({ ...query, eventId: first.id })).toEqual([]);
    expect(
      await store.recordedForOthers({ ...query, eventId: second.id, since: new Date(Date.now() + 60_000) }),
    ).toEqual([]);
  });

  it('claims a queued task, refuses a running one whose lease holds, and takes one whose lease expired', async () => {
    const event = newEvent();
    const taskId = randomUUID();
    await store.recordInbound({
      event,
      taskId,
      authorId: 'a',
      command: 'ask',
      status: 'queued',
      lease: DEAD,
    });
    const claim = claimOf(event, ME);
    const claimed = await store.claimTask(claim);
    expect(claimed).toMatchObject({
      status: 'claimed',
      task: { id: taskId, status: 'running', attempts: 1 },
    });
    expect(await store.claimTask({ ...claim, lease: DEAD })).toMatchObject({ status: 'duplicate' });
    await store.claimTask({ ...claim, lease: { owner: ME.owner, ms: 0 }, redelivered: true });
    const taken = await store.claimTask({ ...claim, lease: DEAD });
    expect(taken).toMatchObject({ status: 'claimed', task: { attempts: 3, leaseOwner: DEAD.owner } });
  });

  it('creates the task when no inbox recorded it', async () => {
    const event = newEvent();
    const claim = claimOf(event, ME);
    expect(await store.claimTask(claim)).toMatchObject({ status: 'claimed', task: { id: claim.id } });
    expect(await store.claimTask({ ...claim, id: randomUUID() })).toMatchObject({
      status: 'duplicate',
      task: { id: claim.id },
    });
  });

  it('ends a task with its reply, turns and events in one statement, once', async () => {
    const event = newEvent();
    const taskId = randomUUID();
    await recordRunning(event, taskId);
    const key = conversationKey(event.conversation);
    const reply = { type: 'reply-end' as const, text: 'answer \u0000 here', meta: { taskId } };
    const ended = await store.finishTask(taskId, {
      status: 'succeeded',
      reply,
      patch: { model: 'openai:gpt', routeReason: 'default', inputTokens: 3, outputTokens: 4, costUsd: 0.5 },
      messages: [
        { conversationKey: key, role: 'user', content: 'q\u0000', taskId, authorId: 'a' },
        {
          conversationKey: key,
          role: 'assistant',
          content: 'answer \u0000 here',
          taskId,
          authorId: undefined,
        },
      ],
      events: [{ type: 'route', data: { model: 'openai:gpt', note: 'x\u0000' } }],
      owesDelivery: true,
    });
    expect(ended).toBe(true);
    const task = await store.getTask(taskId);
    expect(task).toMatchObject({
      status: 'succeeded',
      model: 'openai:gpt',
      costUsd: 0.5,
      leaseOwner: ME.owner,
      reply: { type: 'reply-end', text: 'answer  here' },
    });
    expect((await store.recentMessages(key, 10)).map((message) => message.content)).toEqual([
      'q',
      'answer  here',
    ]);
    expect(await store.listTaskEvents(taskId)).toMatchObject([{ type: 'route', data: { note: 'x' } }]);
    const sameEndingAgain = await store.finishTask(taskId, {
      status: 'succeeded',
      reply,
      messages: [{ conversationKey: key, role: 'user', content: 'q', taskId, authorId: 'a' }],
      owesDelivery: true,
    });
    expect(sameEndingAgain, 'the same ending again (its first answer lost) still owes its final part').toBe(
      true,
    );
    expect(await store.recentMessages(key, 10)).toHaveLength(2);
    const error = { type: 'error' as const, code: 'x', message: 'y' };
    expect(await store.finishTask(taskId, { status: 'failed', reply: error, owesDelivery: false })).toBe(
      false,
    );
    await store.markDelivered([event.id]);
    expect((await store.getTask(taskId))?.leaseOwner).toBeUndefined();
    expect(
      await store.recordInbound({
        event,
        taskId: randomUUID(),
        authorId: 'a',
        command: 'ask',
        status: 'running',
        lease: ME,
      }),
    ).toMatchObject({ status: 'duplicate', delivered: true, task: { id: taskId } });
  });

  it('records the events of concurrent requests together, in order per conversation, each once', async () => {
    const conversations = [newEvent(), newEvent(), newEvent()].map((event) => event.conversation);
    const events = Array.from({ length: 9 }, (_, index) => ({
      ...newEvent(`m${index}`),
      conversation: conversations[index % 3] ?? newEvent().conversation,
    }));
    const entry = (event: InboundEvent) => ({
      event,
      taskId: randomUUID(),
      authorId: 'a',
      command: 'ask',
      status: 'queued' as const,
      lease: ME,
    });
    const first = events.map(entry);
    const repeat = entry(events[4] ?? newEvent());
    const results = await Promise.all([...first, repeat].map((each) => store.recordInbound(each)));
    expect(results.slice(0, 9)).toEqual(first.map(({ taskId }) => ({ status: 'recorded', taskId })));
    const again = await store.recordInbound(repeat);
    expect(again).toMatchObject({ status: 'duplicate', task: { id: first[4]?.taskId } });
    expect(results[9]).toMatchObject({ status: 'duplicate', task: { id: first[4]?.taskId } });
    for (const [index, ref] of conversations.entries()) {
      const tasks = await store.listTasks(conversationKey(ref), 10, 'ask');
      expect(tasks.map((task) => task.id).reverse()).toEqual(
        first.filter((_, position) => position % 3 === index).map(({ taskId }) => taskId),
      );
    }
  });

  it('writes the endings of concurrent tasks together, each with its own turns, and ends a task once', async () => {
    const started = await Promise.all(
      Array.from({ length: 12 }, async (_, index) => {
        const event = newEvent();
        const taskId = randomUUID();
        await recordRunning(event, taskId);
        return { key: conversationKey(event.conversation), taskId, index };
      }),
    );
    const endOf = (key: string, taskId: string, index: number) => ({
      status: 'succeeded' as const,
      reply: { type: 'reply-end' as const, text: `answer ${index}`, meta: { taskId } },
      patch: { outputTokens: index },
      messages: [
        { conversationKey: key, role: 'user' as const, content: `q${index}`, taskId, authorId: 'a' },
        {
          conversationKey: key,
          role: 'assistant' as const,
          content: `answer ${index}`,
          taskId,
          authorId: undefined,
        },
      ],
      events: [{ type: 'route', data: { index } }],
      owesDelivery: false,
    });
    const first = started[0];
    if (first === undefined) throw new Error('no task');
    const results = await Promise.all([
      ...started.map(({ key, taskId, index }) => store.finishTask(taskId, endOf(key, taskId, index))),
      store.finishTask(first.taskId, endOf(first.key, first.taskId, 99)),
    ]);
    expect(results.slice(0, 12)).toEqual(Array.from({ length: 12 }, () => true));
    expect(results.slice(12)).toEqual([false]);
    for (const { key, taskId, index } of started) {
      expect(await store.getTask(taskId)).toMatchObject({ status: 'succeeded', outputTokens: index });
      expect((await store.recentMessages(key, 10)).map((message) => message.content)).toEqual([
        `q${index}`,
        `answer ${index}`,
      ]);
      expect(await store.listTaskEvents(taskId)).toMatchObject([{ type: 'route', data: { index } }]);
    }
  });

  it('finds the tasks of a dead process, lets one process adopt each, and renews leases', async () => {
    const event = newEvent();
    const taskId = randomUUID();
    await recordRunning(event, taskId, DEAD);
    const sent = [{ platform: 'telegram' as const, id: '7', address: event.reply }];
    await store.recordSent(event.id, sent);
    expect(await store.leaseOwners()).toContain(DEAD.owner);
    expect((await store.recoverableTasks(ME.owner, [], 100)).map((found) => found.task.id)).not.toContain(
      taskId,
    );
    const found = (await store.recoverableTasks(ME.owner, [DEAD.owner], 100)).find(
      (candidate) => candidate.task.id === taskId,
    );
    expect(found).toMatchObject({ event: { id: event.id }, sent });
    expect(await store.adoptTask(taskId, DEAD.owner, ME, true)).toBe(true);
    expect(await store.adoptTask(taskId, DEAD.owner, ME, true)).toBe(false);
    expect(await store.getTask(taskId)).toMatchObject({ status: 'queued', leaseOwner: ME.owner });
    expect(await store.renewLeases(ME)).toBeGreaterThanOrEqual(1);
    await store.forgetInbound(event.id);
    expect(await store.getTask(taskId)).toBeUndefined();
  });

  it('never lets a redelivery take over a task that went on in the background; recovery requeues it', async () => {
    const event = newEvent();
    const taskId = randomUUID();
    await recordRunning(event, taskId);
    await store.appendTaskEvent(taskId, BACKGROUND_TASK_EVENT, {});
    const claim = claimOf(event, DEAD, true);
    expect(await store.claimTask(claim)).toMatchObject({
      status: 'duplicate',
      task: { leaseOwner: ME.owner },
    });

    expect(await store.expireLease(taskId, DEAD.owner)).toBe(false);
    expect(await store.expireLease(taskId, ME.owner)).toBe(true);
    expect(await store.getTask(taskId)).toMatchObject({ status: 'running', leaseOwner: ME.owner });
    const found = await store.recoverableTasks(DEAD.owner, [], 100);
    expect(found.map((candidate) => candidate.task.id)).toContain(taskId);
    expect(await store.adoptTask(taskId, ME.owner, DEAD, true)).toBe(true);
    expect(await store.claimTask({ ...claim, lease: ME, redelivered: false })).toMatchObject({
      status: 'claimed',
      task: { id: taskId, status: 'running', leaseOwner: ME.owner, attempts: 2 },
    });
  });

  it('hands a running task back to the queue only from the worker that runs it, releasing its lease', async () => {
    const event = newEvent();
    const taskId = randomUUID();
    await recordRunning(event, taskId);
    expect(await store.handBackTask(taskId, DEAD.owner)).toBe(false);
    expect(await store.handBackTask(taskId, ME.owner)).toBe(true);
    expect(await store.getTask(taskId)).toMatchObject({ status: 'queued', leaseOwner: undefined });
    expect(await store.handBackTask(taskId, ME.owner)).toBe(false);
    expect(
      (await store.recoverableTasks(ME.owner, [ME.owner], 100)).map((found) => found.task.id),
    ).not.toContain(taskId);
    const claimed = await store.claimTask(claimOf(event, DEAD));
    expect(claimed).toMatchObject({
      status: 'claimed',
      task: { id: taskId, leaseOwner: DEAD.owner, attempts: 2 },
    });
  });
});
