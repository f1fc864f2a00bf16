import { createMemoryBus } from '@switchboard/bus';
import {
  type Config,
  conversationKey,
  createLogger,
  type InboundEvent,
  parseCommand,
  type ReplyPart,
} from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { createOpenAIProvider } from '@switchboard/provider-openai';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Agent, createAgent } from './agent';
import { ModelRegistry } from './model-registry';
import { DATABASE_UNAVAILABLE } from './replies';
import { RESTARTED_NOTE } from './tasks/claim';

const access: Config['access'] = {
  owners: ['telegram:1'],
  allow: {
    telegram: { users: [], chats: [], roles: [] },
    slack: { users: [], chats: [], roles: [] },
    discord: { users: [], chats: [], roles: [] },
    whatsapp: { users: [], chats: [], roles: [] },
    web: { users: [], chats: [], roles: [] },
  },
};
const settings: Config['agent'] = {
  systemPrompt: 'You are a test.',
  memoryTokens: 3000,
  maxOutputTokens: 256,
  concurrency: 4,
  queueLimit: 100,
};
const job = { attempt: 1, signal: new AbortController().signal };
const LEASE = { owner: 'test-host:1:boot', ms: 60_000 };

let sequence = 0;
function event(text: string, extra: Partial<InboundEvent> = {}): InboundEvent {
  sequence += 1;
  const command = parseCommand(text, { direct: true });
  return {
    id: `telegram:life-${sequence}-${Date.now()}`,
    kind: 'message',
    conversation: { platform: 'telegram', account: 'bot', channel: `life-${sequence}`, direct: true },
    author: { platformUserId: '1', displayName: 'Alice' },
    text,
    ...(command ? { command } : {}),
    reply: { platform: 'telegram', data: { chat: `life-${sequence}` } },
    receivedAt: new Date().toISOString(),
    ...extra,
  };
}

const finals = (parts: readonly ReplyPart[]) =>
  parts.filter((part) => part.type === 'reply-end' || part.type === 'error');

describe('the task lifecycle in the agent', () => {
  let fake: FakeOpenAI;
  let store: Store;
  let replies: Map<string, ReplyPart[]>;
  const bus = createMemoryBus();

  beforeAll(async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'Forty-two.', chunkSize: 4 } });
    store = await openStore({ dataDir: 'memory://' });
    bus.onReplies('local', async (requestId, part) => {
      replies.set(requestId, [...(replies.get(requestId) ?? []), part]);
    });
  });
  afterAll(async () => {
    await bus.close();
    await store.close();
    await fake.close();
  });
  beforeEach(() => {
    replies = new Map();
  });

  const agentOver = (over: Store): Agent =>
    createAgent({
      store: over,
      models: new ModelRegistry([createOpenAIProvider({ baseURL: fake.url, models: ['fake-model'] })]),
      bus,
      settings,
      access,
      logger: createLogger({ level: 'silent' }),
      lease: LEASE,
    });

  it('answers a question with NUL characters and stores it without them', async () => {
    const agent = agentOver(store);
    const inbound = event('what is \u0000 six times seven?');
    await agent.handle(inbound, job);
    agent.close();
    expect(finals(replies.get(inbound.id) ?? [])).toEqual([expect.objectContaining({ type: 'reply-end' })]);
    const [task] = await store.listTasks(conversationKey(inbound.conversation), 1);
    expect(task).toMatchObject({ status: 'succeeded', leaseOwner: undefined });
    const turns = await store.recentMessages(conversationKey(inbound.conversation), 10);
    expect(turns.map((turn) => turn.content)).toEqual(['what is  six times seven?', 'Forty-two.']);
  });

  it("stores a model's answer with NUL characters and ends the task normally", async () => {
    const agent = agentOver(store);
    fake.enqueue({ type: 'text', text: 'Forty\u0000-two\u0000.', chunkSize: 3 });
    const inbound = event('and now?');
    await agent.handle(inbound, job);
    agent.close();
    const parts = replies.get(inbound.id) ?? [];
    expect(finals(parts)).toEqual([expect.objectContaining({ type: 'reply-end', text: 'Forty-two.' })]);
    const [task] = await store.listTasks(conversationKey(inbound.conversation), 1);
    expect(task).toMatchObject({ status: 'succeeded', reply: { type: 'reply-end', text: 'Forty-two.' } });
  });

  it('tells the user at once when the database fails at the end, and ends the task failed once it is back', async () => {
    let down = true;
    const flaky = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'finishTask' && down)
          return () => Promise.reject(new Error('Connection terminated unexpectedly'));
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const agent = createAgent({
      store: flaky,
      models: new ModelRegistry([createOpenAIProvider({ baseURL: fake.url, models: ['fake-model'] })]),
      bus,
      settings,
      access,
      logger: createLogger({ level: 'silent' }),
      lease: { owner: 'test-host:1:outage', ms: 150 },
    });
    const inbound = event('is the database there?');
    await agent.handle(inbound, job);
    expect(finals(replies.get(inbound.id) ?? [])).toEqual([DATABASE_UNAVAILABLE]);
    const key = conversationKey(inbound.conversation);
    expect((await store.listTasks(key, 1))[0]).toMatchObject({ status: 'running' });
    down = false;
    await expect
      .poll(async () => (await store.listTasks(key, 1))[0], { timeout: 10_000 })
      .toMatchObject({ status: 'failed', errorCode: 'database_unavailable', leaseOwner: undefined });
    agent.close();
  });

  it('asks again after an interruption, saying so once, and counts the attempt', async () => {
    const inbound = event('were you interrupted?');
    const taskId = `recovered-${sequence}`;
    await store.recordInbound({
      event: inbound,
      taskId,
      authorId: 'telegram:1',
      command: 'ask',
      status: 'running',
      lease: { owner: 'other-host:9:gone', ms: 60_000 },
    });
    expect(await store.adoptTask(taskId, 'other-host:9:gone', LEASE, true)).toBe(true);
    const agent = agentOver(store);
    await agent.handle(
      { ...inbound, inbox: { taskId, owner: LEASE.owner, outbox: true, recovered: true } },
      job,
    );
    agent.close();
    const parts = replies.get(inbound.id) ?? [];
    expect(parts.filter((part) => part.type === 'status' && part.text === RESTARTED_NOTE)).toHaveLength(1);
    expect(finals(parts)).toEqual([expect.objectContaining({ type: 'reply-end', text: 'Forty-two.' })]);
    const task = await store.getTask(taskId);
    expect(task).toMatchObject({ status: 'succeeded', attempts: 2, leaseOwner: LEASE.owner });
    expect((await store.listTaskEvents(taskId)).map((entry) => entry.type)).toEqual(['retry', 'route']);
  });

  it('ends the inbox task of a command with its reply', async () => {
    const agent = agentOver(store);
    const inbound = event('/help');
    const taskId = `help-${sequence}`;
    await store.recordInbound({
      event: inbound,
      taskId,
      authorId: 'telegram:1',
      command: 'help',
      status: 'running',
      lease: LEASE,
    });
    await agent.handle({ ...inbound, inbox: { taskId, owner: LEASE.owner, outbox: false } }, job);
    agent.close();
    expect(await store.getTask(taskId)).toMatchObject({
      status: 'succeeded',
      reply: { type: 'reply-end' },
      leaseOwner: undefined,
    });
  });
});
