import { createMemoryBus } from '@switchboard/bus';
import {
  type Config,
  type ConversationRef,
  conversationKey,
  createLogger,
  type InboundEvent,
  type Job,
  parseCommand,
  type ReplyPart,
} from '@switchboard/core';
import { openStore, type Store, type TaskClaim } from '@switchboard/memory';
import { createOpenAIProvider } from '@switchboard/provider-openai';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REFUSAL } from './access';
import { type Agent, createAgent } from './agent';
import { ModelRegistry } from './model-registry';
import { NO_MODEL_MESSAGE } from './no-model';

const access: Config['access'] = {
  owners: ['telegram:1'],
  allow: {
    telegram: { users: ['2'], chats: [], roles: [] },
    slack: { users: [], chats: [], roles: [] },
    discord: { users: [], chats: [], roles: ['mods'] },
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

let sequence = 0;
function event(
  text: string,
  overrides: Partial<InboundEvent> & { user?: string; platform?: 'telegram' | 'discord' } = {},
): InboundEvent {
  sequence += 1;
  const platform = overrides.platform ?? 'telegram';
  const command = parseCommand(text, { direct: true });
  return {
    id: `${platform}:${sequence}`,
    kind: text.startsWith('/') ? 'command' : 'message',
    conversation: { platform, account: 'bot', channel: 'chat-1', direct: true },
    author: { platformUserId: overrides.user ?? '1', displayName: 'Alice' },
    text,
    ...(command ? { command } : {}),
    reply: { platform, data: { chat: 'chat-1' } },
    receivedAt: new Date().toISOString(),
    ...overrides,
  };
}

const firstJob = (): Job => ({ attempt: 1, signal: new AbortController().signal });

/** Wraps a real store and counts every call made through it. */
function counting(store: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

describe('agent', () => {
  let fake: FakeOpenAI;
  let realStore: Store;
  let counted: ReturnType<typeof counting>;
  let agent: Agent;
  let replies: Map<string, ReplyPart[]>;
  const bus = createMemoryBus();

  beforeAll(async () => {
    fake = await startFakeOpenAI({
      defaultBehaviour: { type: 'text', text: 'The answer is forty-two.', chunkSize: 4 },
    });
    realStore = await openStore({ dataDir: 'memory://' });
    bus.onReplies('local', async (requestId, part) => {
      const list = replies.get(requestId) ?? [];
      list.push(part);
      replies.set(requestId, list);
    });
  });
  afterAll(async () => {
    await bus.close();
    await realStore.close();
    await fake.close();
  });
  beforeEach(() => {
    replies = new Map();
    counted = counting(realStore);
    const provider = createOpenAIProvider({ baseURL: fake.url, models: ['fake-model'] });
    agent = createAgent({
      store: counted.store,
      models: new ModelRegistry([provider]),
      bus,
      settings,
      access,
      logger: createLogger({ level: 'silent' }),
    });
  });

  const handle = async (inbound: InboundEvent, job: Job = firstJob()) => {
    await agent.handle(inbound, job);
    return replies.get(inbound.id) ?? [];
  };

  it('refuses an unknown author politely, with zero model calls and zero memory reads', async () => {
    const before = fake.requestCount;
    const parts = await handle(event('/ask what is the secret?', { user: '999' }));
    expect(parts).toEqual([{ type: 'error', code: 'unauthorized', message: REFUSAL }]);
    expect(fake.requestCount).toBe(before);
    expect(counted.calls).toEqual([]);
  });

  it('answers an allowlisted member and a member by role', async () => {
    const byUser = await handle(event('hello', { user: '2' }));
    expect(byUser.at(-1)).toMatchObject({ type: 'reply-end', text: 'The answer is forty-two.' });
    const byRole = await handle(
      event('hello', {
        platform: 'discord',
        author: { platformUserId: '77', displayName: 'Mod', roles: ['mods'] },
      }),
    );
    expect(byRole.at(-1)).toMatchObject({ type: 'reply-end' });
  });

  it('streams deltas, ends with metadata, and stores the task and both turns', async () => {
    const inbound = event('/ask what is six times seven?');
    const parts = await handle(inbound);
    const deltas = parts.filter((part) => part.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(2);
    const end = parts.at(-1);
    expect(end?.type).toBe('reply-end');
    if (end?.type !== 'reply-end') return;
    expect(end.text).toBe('The answer is forty-two.');
    expect(end.meta.model).toBe('openai:fake-model');
    expect(end.meta.usage?.outputTokens).toBeGreaterThan(0);
    expect(end.meta.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    const task = await realStore.getTask(end.meta.taskId ?? '');
    expect(task).toMatchObject({ status: 'succeeded', model: 'openai:fake-model', eventId: inbound.id });
    expect(task?.outputTokens).toBeGreaterThan(0);
    const turns = await realStore.recentMessages(conversationKey(inbound.conversation), 10);
    expect(turns.slice(-2).map((turn) => [turn.role, turn.content])).toEqual([
      ['user', 'what is six times seven?'],
      ['assistant', 'The answer is forty-two.'],
    ]);
  });

  it('sends earlier turns to the model as memory', async () => {
    const conversation = {
      platform: 'telegram' as const,
      account: 'bot',
      channel: 'memory-chat',
      direct: true,
    };
    await handle(event('my name is Zed', { conversation }));
    await handle(event('what is my name?', { conversation }));
    const last = fake.requests.at(-1)?.body as { messages: { role: string; content: string }[] };
    expect(last.messages.map((message) => message.content)).toEqual([
      'You are a test.',
      'my name is Zed',
      'The answer is forty-two.',
      'what is my name?',
    ]);
  });

  it('makes one task for an event handled twice (the database guards redelivery)', async () => {
    const inbound = event('/ask once only');
    const requestsBefore = fake.requestCount;
    await handle(inbound);
    await handle(inbound);
    const tasks = await realStore.listTasks(conversationKey(inbound.conversation), 100);
    expect(tasks.filter((task) => task.eventId === inbound.id)).toHaveLength(1);
    expect(fake.requestCount).toBe(requestsBefore + 1);
  });

  it('resumes a task whose worker died when the event is redelivered', async () => {
    const inbound = event('/ask resume me');
    const key = conversationKey(inbound.conversation);
    await realStore.ensureConversation(inbound.conversation);
    await realStore.beginTask({
      id: 'crashed-task-1',
      eventId: inbound.id,
      conversationKey: key,
      authorId: 'telegram:1',
      command: 'ask',
    });
    const parts = await handle(inbound, { attempt: 2, signal: new AbortController().signal });
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end', meta: { taskId: 'crashed-task-1' } });
    expect(await realStore.getTask('crashed-task-1')).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('fails the task with a clear error when the provider fails', async () => {
    fake.enqueue({ type: 'error', status: 401 });
    const parts = await handle(event('/ask fail please'));
    const end = parts.at(-1);
    expect(end).toMatchObject({ type: 'error', code: 'auth_failed' });
    const [task] = await realStore.listTasks(conversationKey(event('x').conversation), 1);
    expect(task).toMatchObject({ status: 'failed', errorCode: 'auth_failed' });
  });

  it('cancels a running task with /cancel', async () => {
    fake.enqueue({ type: 'stall', afterChunks: 2, text: 'partial answer that never ends' });
    const conversation = {
      platform: 'telegram' as const,
      account: 'bot',
      channel: 'cancel-chat',
      direct: true,
    };
    const ask = event('/ask take forever', { conversation });
    const running = handle(ask);
    await expect
      .poll(() => replies.get(ask.id)?.some((part) => part.type === 'text-delta'), { timeout: 5000 })
      .toBe(true);
    const unsubscribe = bus.onControl((message) => agent.control(message));
    const cancelParts = await handle(event('/cancel', { conversation }));
    unsubscribe();
    expect(cancelParts.at(-1)).toMatchObject({
      type: 'reply-end',
      text: expect.stringMatching(/^Cancelling task/),
    });
    const parts = await running;
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: expect.stringContaining('(cancelled)') });
    const [task] = await realStore.listTasks(conversationKey(conversation), 1);
    expect(task?.status).toBe('cancelled');
  });

  it('pins, lists and unpins models; shows status, history and forgets', async () => {
    const conversation = {
      platform: 'telegram' as const,
      account: 'bot',
      channel: 'command-chat',
      direct: true,
    };
    const say = async (text: string) => (await handle(event(text, { conversation }))).at(-1);
    expect(await say('/models')).toMatchObject({ text: expect.stringContaining('openai:fake-model') });
    expect(await say('/model openai:nope')).toMatchObject({ type: 'error', code: 'unknown_model' });
    expect(await say('/model openai:fake-model')).toMatchObject({
      text: 'This conversation now uses openai:fake-model.',
    });
    await say('/ask hi');
    expect(await say('/status')).toMatchObject({
      text: expect.stringMatching(/succeeded · on openai:fake-model \(pinned with \/model\)/),
    });
    expect(await say('/history')).toMatchObject({ text: 'You: hi\nAgent: The answer is forty-two.' });
    expect(await say('/forget')).toMatchObject({ text: 'Forgotten: 2 messages of this conversation.' });
    expect(await say('/history')).toMatchObject({ text: 'This conversation has no history.' });
    expect(await say('/model auto')).toMatchObject({ text: expect.stringMatching(/^Unpinned/) });
    expect(await say('/frobnicate')).toMatchObject({ type: 'error', code: 'unknown_command' });
  });

  it('survives an event that fails inside: one internal error for it, the next event answered', async () => {
    const broken = new Proxy(realStore, {
      get(target, property, receiver) {
        if (property === 'claimTask') return () => Promise.reject(new Error('disk full'));
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const fragile = createAgent({
      store: broken,
      models: new ModelRegistry([createOpenAIProvider({ baseURL: fake.url, models: ['fake-model'] })]),
      bus,
      settings,
      access,
      logger: createLogger({ level: 'silent' }),
    });
    const failing = event('/ask will this work?');
    await expect(fragile.handle(failing, firstJob())).resolves.toBeUndefined();
    expect(replies.get(failing.id)).toEqual([
      {
        type: 'error',
        code: 'internal',
        message: 'Something went wrong on the box while answering. It has been logged; please try again.',
      },
    ]);
    const next = event('/help');
    await fragile.handle(next, firstJob());
    expect(replies.get(next.id)).toEqual([
      { type: 'reply-end', text: expect.stringContaining('/ask'), meta: {} },
    ]);
  });

  it('ends a claimed task failed when its work throws, so no task stays running', async () => {
    // The claim succeeds without reading the context, and the context's own read then fails.
    const flaky = new Proxy(realStore, {
      get(target, property, receiver) {
        if (property === 'questionContext') return () => Promise.reject(new Error('connection reset'));
        if (property === 'claimTask')
          return ({ context: _context, ...claim }: TaskClaim) => target.claimTask(claim);
        if (property === 'loadTask')
          return (taskId: string, ref: ConversationRef) => target.loadTask(taskId, ref);
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const fragile = createAgent({
      store: flaky,
      models: new ModelRegistry([createOpenAIProvider({ baseURL: fake.url, models: ['fake-model'] })]),
      bus,
      settings,
      access,
      logger: createLogger({ level: 'silent' }),
    });
    const conversation = { platform: 'telegram' as const, account: 'bot', channel: 'flaky', direct: true };
    const inbound = event('/ask is the database there?', { conversation });
    await fragile.handle(inbound, firstJob());
    const parts = replies.get(inbound.id) ?? [];
    expect(parts.filter((part) => part.type === 'error' || part.type === 'reply-end')).toEqual([
      expect.objectContaining({ type: 'error', code: 'internal' }),
    ]);
    expect(parts.at(-1)).toMatchObject({ type: 'error', code: 'internal' });
    const [task] = await realStore.listTasks(conversationKey(conversation), 1);
    expect(task).toMatchObject({ status: 'failed', errorCode: 'internal', eventId: inbound.id });
    expect(task?.finishedAt).toBeInstanceOf(Date);
  });

  it('answers with setup instructions when no model is configured', async () => {
    const bare = createAgent({
      store: realStore,
      models: new ModelRegistry([]),
      bus,
      settings,
      access,
      logger: createLogger({ level: 'silent' }),
    });
    const inbound = event('/ask anyone there?');
    await bare.handle(inbound, firstJob());
    expect(replies.get(inbound.id)?.at(-1)).toEqual({
      type: 'error',
      code: 'no_model',
      message: NO_MODEL_MESSAGE,
    });
  });
});
