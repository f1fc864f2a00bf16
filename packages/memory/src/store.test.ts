import { randomUUID } from 'node:crypto';
import { type ConversationRef, conversationKey, SwitchboardError } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDatabase } from './check';
import { IN_MEMORY } from './connect-pglite';
import { openStore } from './open';
import type { NewTask, TaskRecord } from './records';
import type { Store } from './store';
import { createTestDatabase } from './testing';

/** One driver under test: how to get a fresh, empty database for this file, and how to remove it. */
interface Driver {
  readonly name: string;
  readonly expected: Store['driver'];
  setUp(): Promise<{ databaseUrl?: string; dataDir: string; drop(): Promise<void> }>;
}

const drivers: Driver[] = [
  { name: 'PGlite', expected: 'pglite', setUp: async () => ({ dataDir: IN_MEMORY, drop: async () => {} }) },
];
const { DATABASE_URL: databaseUrl } = process.env;
if (databaseUrl) {
  drivers.push({
    name: 'Postgres',
    expected: 'postgres',
    setUp: async () => {
      const database = await createTestDatabase();
      return { databaseUrl: database.url, dataDir: IN_MEMORY, drop: () => database.drop() };
    },
  });
}

/** A conversation no other test uses. */
function newConversation(overrides: Partial<ConversationRef> = {}): ConversationRef {
  return {
    platform: 'telegram',
    account: 'bot-1',
    channel: `chat-${randomUUID()}`,
    direct: true,
    ...overrides,
  };
}

/** A new task for `conversation`, with a fresh id and event id unless given. */
function newTask(conversation: ConversationRef, overrides: Partial<NewTask> = {}): NewTask {
  return {
    id: randomUUID(),
    eventId: `telegram:${randomUUID()}`,
    conversationKey: conversationKey(conversation),
    authorId: 'telegram:42',
    command: 'ask',
    ...overrides,
  };
}

/** The `code` of the SwitchboardError `promise` rejects with; fails the test when it resolves. */
async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, 'expected the call to fail').toBeInstanceOf(SwitchboardError);
  return (error as SwitchboardError).code;
}

describe.each(drivers)('the store on $name', (driver) => {
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

  it('reports its driver and answers a ping', async () => {
    expect(store.driver).toBe(driver.expected);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  describe('migrations', () => {
    it('run again without error and keep the data', async () => {
      const conversation = await store.ensureConversation(newConversation());
      await store.migrate();
      await store.migrate();
      expect(await store.getConversation(conversation.key)).toEqual(conversation);
    });

    it.runIf(driver.expected === 'postgres')(
      'apply once when a second store opens the same database',
      async () => {
        const conversation = await store.ensureConversation(newConversation());
        const second = await openStore(location);
        try {
          expect(await second.getConversation(conversation.key)).toEqual(conversation);
        } finally {
          await second.close();
        }
        const check = await checkDatabase(location);
        expect(check).toEqual({ ok: true, detail: expect.stringContaining('schema up to date') });
      },
    );
  });

  describe('conversations', () => {
    it('are created with the key of their reference, without a thread when there is none', async () => {
      const ref = newConversation();
      const created = await store.ensureConversation(ref);
      expect(created).toMatchObject({ ...ref, key: conversationKey(ref), pinnedModel: undefined });
      expect(created).not.toHaveProperty('thread');
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(await store.getConversation(created.key)).toEqual(created);
    });

    it('keep their thread and direct flag', async () => {
      const ref = newConversation({ platform: 'slack', thread: '1700000000.000100', direct: false });
      const created = await store.ensureConversation(ref);
      expect(created.key).toBe(`slack:bot-1:${ref.channel}:1700000000.000100`);
      expect(await store.getConversation(created.key)).toMatchObject({
        thread: '1700000000.000100',
        direct: false,
      });
    });

    it('are touched, not replaced, when ensured again', async () => {
      const ref = newConversation();
      const first = await store.ensureConversation(ref);
      await store.setPinnedModel(first.key, 'openai:gpt-5.5');
      const again = await store.ensureConversation(ref);
      expect(again.createdAt).toEqual(first.createdAt);
      expect(again.updatedAt.getTime()).toBeGreaterThanOrEqual(first.updatedAt.getTime());
      expect(again.pinnedModel).toBe('openai:gpt-5.5');
    });

    it('pin and unpin a model', async () => {
      const { key } = await store.ensureConversation(newConversation());
      await store.setPinnedModel(key, 'llama:qwen2.5-0.5b');
      expect((await store.getConversation(key))?.pinnedModel).toBe('llama:qwen2.5-0.5b');
      await store.setPinnedModel(key, undefined);
      expect((await store.getConversation(key))?.pinnedModel).toBeUndefined();
    });

    it('start cloud-allowed, and keep their local-only policy until it is turned off', async () => {
      const ref = newConversation();
      const created = await store.ensureConversation(ref);
      expect(created.localOnly).toBe(false);
      await store.setLocalOnly(created.key, true);
      expect((await store.getConversation(created.key))?.localOnly).toBe(true);
      expect((await store.ensureConversation(ref)).localOnly).toBe(true);
      await store.setLocalOnly(created.key, false);
      expect((await store.getConversation(created.key))?.localOnly).toBe(false);
      expect(await rejectionCode(store.setLocalOnly('telegram:nobody:nowhere:-', true))).toBe(
        'conversation_not_found',
      );
    });

    it('are undefined when unknown, and pinning one is an error', async () => {
      expect(await store.getConversation('telegram:nobody:nowhere:-')).toBeUndefined();
      expect(await rejectionCode(store.setPinnedModel('telegram:nobody:nowhere:-', 'x:y'))).toBe(
        'conversation_not_found',
      );
    });
  });

  describe('beginTask', () => {
    it('creates a running task with zero usage', async () => {
      const conversation = newConversation();
      const task = newTask(conversation);
      const result = await store.beginTask(task);
      expect(result.status).toBe('created');
      expect(result.task).toEqual({
        ...task,
        status: 'running',
        model: undefined,
        routeReason: undefined,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        timeToFirstTokenMs: undefined,
        durationMs: undefined,
        errorCode: undefined,
        errorMessage: undefined,
        finishReason: undefined,
        attempts: 1,
        createdAt: expect.any(Date),
        finishedAt: undefined,
      });
      expect(await store.getTask(task.id)).toEqual(result.task);
    });

    it('returns the first task for a redelivered event and creates no second row', async () => {
      const conversation = newConversation();
      const first = newTask(conversation);
      const created = await store.beginTask(first);
      const again = await store.beginTask(newTask(conversation, { eventId: first.eventId }));
      expect(created.status).toBe('created');
      expect(again).toEqual({ status: 'duplicate', task: created.task });
      expect(await store.listTasks(first.conversationKey, 100)).toHaveLength(1);
    });

    it('records nothing when the task cannot be created, so the event can be tried again', async () => {
      const conversation = newConversation();
      const taken = (await store.beginTask(newTask(conversation))).task;
      const retried = newTask(conversation, { id: taken.id });
      await expect(store.beginTask(retried)).rejects.toThrow();
      const again = await store.beginTask({ ...retried, id: randomUUID() });
      expect(again.status).toBe('created');
      expect(await store.listTasks(conversationKey(conversation), 100)).toHaveLength(2);
    });

    it('creates exactly one task when the same event arrives five times at once', async () => {
      const conversation = newConversation();
      const eventId = `telegram:${randomUUID()}`;
      const attempts = Array.from({ length: 5 }, () => newTask(conversation, { eventId }));
      const results = await Promise.all(attempts.map((task) => store.beginTask(task)));
      const created = results.filter((result) => result.status === 'created');
      expect(created).toHaveLength(1);
      const winner = created[0]?.task.id;
      expect(results.every((result) => result.task.id === winner)).toBe(true);
      expect(await store.listTasks(conversationKey(conversation), 100)).toHaveLength(1);
    });
  });

  describe('updateTask', () => {
    it('round-trips every field of a patch, including cost and finish time', async () => {
      const conversation = newConversation();
      const { task } = await store.beginTask(newTask(conversation));
      const finishedAt = new Date('2026-01-02T03:04:05.678Z');
      const patch = {
        status: 'failed',
        model: 'openai:gpt-5.5',
        routeReason: 'pinned with /model',
        inputTokens: 1234,
        outputTokens: 567,
        costUsd: 0.0012345678,
        timeToFirstTokenMs: 321,
        durationMs: 4567,
        errorCode: 'model_timeout',
        errorMessage: 'The model did not answer in time.',
        finishReason: 'length',
        attempts: 2,
        finishedAt,
      } as const;
      await store.updateTask(task.id, patch);
      expect(await store.getTask(task.id)).toEqual({ ...task, ...patch });
    });

    it('keeps fields the patch leaves out or sets to undefined', async () => {
      const { task } = await store.beginTask(newTask(newConversation()));
      await store.updateTask(task.id, { model: 'llama:qwen', costUsd: 0.5 });
      await store.updateTask(task.id, { status: 'succeeded', model: undefined });
      expect(await store.getTask(task.id)).toMatchObject({
        status: 'succeeded',
        model: 'llama:qwen',
        costUsd: 0.5,
      });
    });

    it('fails for an unknown task', async () => {
      expect(await rejectionCode(store.updateTask('no-such-task', { status: 'succeeded' }))).toBe(
        'task_not_found',
      );
      expect(await rejectionCode(store.updateTask('no-such-task', {}))).toBe('task_not_found');
    });
  });

  describe('listing and finding tasks', () => {
    it('lists a conversation’s tasks newest first, up to the limit', async () => {
      const conversation = newConversation();
      const ids: string[] = [];
      for (let index = 0; index < 4; index += 1)
        ids.push((await store.beginTask(newTask(conversation))).task.id);
      await store.beginTask(newTask(newConversation()));
      const listed = await store.listTasks(conversationKey(conversation), 3);
      expect(listed.map((task) => task.id)).toEqual([ids[3], ids[2], ids[1]]);
      expect(await store.listTasks(conversationKey(conversation), 0)).toEqual([]);
      expect(await store.listTasks(conversationKey(newConversation()), 10)).toEqual([]);
    });

    it('finds a task by a unique prefix of its id, only within its conversation', async () => {
      const conversation = newConversation();
      const key = conversationKey(conversation);
      const stem = randomUUID().slice(0, 8);
      const first = (await store.beginTask(newTask(conversation, { id: `${stem}-abc-1` }))).task;
      const second = (await store.beginTask(newTask(conversation, { id: `${stem}-abd-2` }))).task;
      await store.beginTask(newTask(newConversation(), { id: `${stem}-xyz-3` }));

      expect((await store.findTask(key, `${stem}-abc`))?.id).toBe(first.id);
      expect((await store.findTask(key, `${stem}-abd`))?.id).toBe(second.id);
      expect((await store.findTask(key, first.id))?.id).toBe(first.id);
      expect(await store.findTask(key, `${stem}-ab`)).toBeUndefined();
      expect(await store.findTask(key, `${stem}-xyz`)).toBeUndefined();
      expect(await store.findTask(key, 'no-such-prefix')).toBeUndefined();
      expect(await store.findTask(key, '')).toBeUndefined();
    });

    it('takes % and _ in a prefix literally', async () => {
      const conversation = newConversation();
      const key = conversationKey(conversation);
      const stem = randomUUID().slice(0, 8);
      await store.beginTask(newTask(conversation, { id: `${stem}-abc` }));
      expect(await store.findTask(key, `${stem}-_bc`)).toBeUndefined();
      expect(await store.findTask(key, `${stem}%c`)).toBeUndefined();
    });
  });

  describe('task events', () => {
    it('are listed in the order they were appended, with their JSON data intact', async () => {
      const { task } = await store.beginTask(newTask(newConversation()));
      const values: unknown[] = [
        { model: 'openai:gpt-5.5', reason: 'pinned', nested: { list: [1, 'two', null, true] } },
        '42',
        'plain text',
        7.5,
        [{ tool: 'shell' }],
        null,
      ];
      for (const [index, data] of values.entries())
        await store.appendTaskEvent(task.id, `step-${index}`, data);
      const events = await store.listTaskEvents(task.id);
      expect(events.map((event) => event.type)).toEqual(values.map((_, index) => `step-${index}`));
      expect(events.map((event) => event.data)).toEqual(values);
      expect(events.every((event) => event.taskId === task.id && event.at instanceof Date)).toBe(true);
      expect(events.map((event) => event.id)).toEqual(
        [...events.map((event) => event.id)].sort((a, b) => a - b),
      );
    });

    it('are empty for a task without events, and appending to an unknown task fails', async () => {
      const { task } = await store.beginTask(newTask(newConversation()));
      expect(await store.listTaskEvents(task.id)).toEqual([]);
      expect(await rejectionCode(store.appendTaskEvent('no-such-task', 'route', {}))).toBe('task_not_found');
    });
  });

  describe('usage', () => {
    const hour = 3_600_000;
    /** A finished task created at `at`, with the model, tokens and cost given. */
    async function usedTask(
      at: Date,
      usage: {
        model?: string;
        inputTokens?: number;
        outputTokens?: number;
        costUsd?: number;
        authorId?: string;
      },
    ): Promise<void> {
      const { authorId = 'telegram:42', ...patch } = usage;
      const { task } = await store.beginTask(newTask(newConversation(), { authorId, createdAt: at }));
      expect(task.createdAt).toEqual(at);
      await store.updateTask(task.id, { status: 'succeeded', ...patch });
    }

    it('sums tasks, tokens and cost per model within [since, until), most expensive first', async () => {
      const since = new Date('2035-03-01T00:00:00.000Z');
      const until = new Date(since.getTime() + 24 * hour);
      const mini = { model: 'openai:gpt-4o-mini', inputTokens: 1000, outputTokens: 100 };
      await usedTask(new Date(since.getTime() - 1), { ...mini, costUsd: 9 });
      await usedTask(since, { ...mini, costUsd: 0.25 });
      await usedTask(new Date(until.getTime() - 1), {
        ...mini,
        inputTokens: 3,
        outputTokens: 4,
        costUsd: 0.0000012345,
      });
      await usedTask(until, { ...mini, costUsd: 7 });
      await usedTask(new Date(since.getTime() + hour), {
        model: 'anthropic:claude-haiku-4-5',
        inputTokens: 10,
        outputTokens: 20,
        costUsd: 0.5,
      });
      for (let index = 0; index < 3; index += 1)
        await usedTask(new Date(since.getTime() + 2 * hour), {
          model: 'llama:qwen',
          inputTokens: 50,
          outputTokens: 5,
        });
      await usedTask(new Date(since.getTime() + 3 * hour), {
        model: 'llama:b',
        inputTokens: 1,
        outputTokens: 1,
      });
      await usedTask(new Date(since.getTime() + 4 * hour), { inputTokens: 99, costUsd: 99 });

      expect(await store.usageSummary({ since, until })).toEqual([
        { model: 'anthropic:claude-haiku-4-5', tasks: 1, inputTokens: 10, outputTokens: 20, costUsd: 0.5 },
        {
          model: 'openai:gpt-4o-mini',
          tasks: 2,
          inputTokens: 1003,
          outputTokens: 104,
          costUsd: 0.2500012345,
        },
        { model: 'llama:qwen', tasks: 3, inputTokens: 150, outputTokens: 15, costUsd: 0 },
        { model: 'llama:b', tasks: 1, inputTokens: 1, outputTokens: 1, costUsd: 0 },
      ]);
      const open = await store.usageSummary({ since });
      expect(open[0]).toEqual({
        model: 'openai:gpt-4o-mini',
        tasks: 3,
        inputTokens: 2003,
        outputTokens: 204,
        costUsd: 7.2500012345,
      });
      expect(await store.usageSummary({ since: until, until: new Date(until.getTime() + 1) })).toHaveLength(
        1,
      );
      expect(await store.usageSummary({ since: new Date('2035-06-01T00:00:00Z') })).toEqual([]);
    });

    it('counts one author’s tasks when asked', async () => {
      const since = new Date('2036-01-01T00:00:00.000Z');
      const model = 'openai:gpt-5';
      await usedTask(since, { model, inputTokens: 1, outputTokens: 2, costUsd: 0.1, authorId: 'slack:U1' });
      await usedTask(since, { model, inputTokens: 10, outputTokens: 20, costUsd: 0.2, authorId: 'slack:U2' });
      expect(await store.usageSummary({ since, authorId: 'slack:U1' })).toEqual([
        { model, tasks: 1, inputTokens: 1, outputTokens: 2, costUsd: 0.1 },
      ]);
      expect((await store.usageSummary({ since }))[0]?.tasks).toBe(2);
      expect(await store.usageSummary({ since, authorId: 'slack:nobody' })).toEqual([]);
    });

    it('adds up an author’s cloud spend since a moment, leaving out local models and others', async () => {
      const since = new Date('2037-05-10T00:00:00.000Z');
      const authorId = 'discord:7';
      await usedTask(since, { model: 'openai:gpt-4o', costUsd: 0.3, authorId });
      await usedTask(new Date(since.getTime() + hour), {
        model: 'anthropic:claude-sonnet-4',
        costUsd: 0.2,
        authorId,
      });
      await usedTask(new Date(since.getTime() + hour), { model: 'llama:qwen', costUsd: 0.7, authorId });
      await usedTask(new Date(since.getTime() + hour), { costUsd: 0.9, authorId });
      await usedTask(new Date(since.getTime() - 1), { model: 'openai:gpt-4o', costUsd: 0.4, authorId });
      await usedTask(since, { model: 'openai:gpt-4o', costUsd: 0.8, authorId: 'discord:8' });
      expect(await store.cloudSpendSince(authorId, since)).toBeCloseTo(0.5, 10);
      expect(await store.cloudSpendSince(authorId, new Date(since.getTime() - 1))).toBeCloseTo(0.9, 10);
      expect(await store.cloudSpendSince('discord:nobody', since)).toBe(0);
    });
  });

  describe('messages', () => {
    async function conversationWithTurns(count: number): Promise<{ key: string; task: TaskRecord }> {
      const ref = newConversation();
      const { key } = await store.ensureConversation(ref);
      const { task } = await store.beginTask(newTask(ref));
      for (let index = 1; index <= count; index += 1) {
        await store.addMessages([
          {
            conversationKey: key,
            role: index % 2 === 1 ? 'user' : 'assistant',
            content: `turn ${index}`,
            taskId: index % 2 === 1 ? undefined : task.id,
            authorId: index % 2 === 1 ? 'telegram:42' : undefined,
          },
        ]);
      }
      return { key, task };
    }

    it('returns the newest turns, oldest first', async () => {
      const { key, task } = await conversationWithTurns(5);
      const recent = await store.recentMessages(key, 3);
      expect(recent.map((message) => message.content)).toEqual(['turn 3', 'turn 4', 'turn 5']);
      expect(recent[0]).toEqual({
        id: expect.any(Number),
        conversationKey: key,
        role: 'user',
        content: 'turn 3',
        taskId: undefined,
        authorId: 'telegram:42',
        createdAt: expect.any(Date),
      });
      expect(recent[1]).toMatchObject({ role: 'assistant', taskId: task.id, authorId: undefined });
      expect((await store.recentMessages(key, 10)).map((message) => message.content)).toEqual([
        'turn 1',
        'turn 2',
        'turn 3',
        'turn 4',
        'turn 5',
      ]);
      expect(await store.recentMessages(key, 0)).toEqual([]);
    });

    it('keeps the order of several turns added in one call', async () => {
      const { key } = await store.ensureConversation(newConversation());
      await store.addMessages([
        { conversationKey: key, role: 'user', content: 'question', taskId: undefined, authorId: 'web:local' },
        {
          conversationKey: key,
          role: 'assistant',
          content: 'answer',
          taskId: undefined,
          authorId: undefined,
        },
      ]);
      await store.addMessages([]);
      expect((await store.recentMessages(key, 2)).map((message) => message.content)).toEqual([
        'question',
        'answer',
      ]);
    });

    it('are forgotten per conversation, with the count deleted', async () => {
      const forgotten = await conversationWithTurns(4);
      const kept = await conversationWithTurns(2);
      expect(await store.forgetMessages(forgotten.key)).toBe(4);
      expect(await store.recentMessages(forgotten.key, 10)).toEqual([]);
      expect(await store.forgetMessages(forgotten.key)).toBe(0);
      expect(await store.recentMessages(kept.key, 10)).toHaveLength(2);
      expect(await store.getTask(forgotten.task.id)).toBeDefined();
    });

    it('cannot be added to a conversation that does not exist', async () => {
      const turn = {
        conversationKey: 'web:none:none:-',
        role: 'user',
        content: 'hi',
        taskId: undefined,
        authorId: undefined,
      } as const;
      expect(await rejectionCode(store.addMessages([turn]))).toBe('conversation_not_found');
    });
  });
});
