import { randomUUID } from 'node:crypto';
import { createMemoryBus } from '@switchboard/bus';
import {
  type Config,
  type ConversationRef,
  conversationKey,
  createLogger,
  type InboundEvent,
  type ModelProvider,
  type ModelRef,
  parseCommand,
  type ReplyPart,
} from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from './agent';
import { ModelRegistry } from './model-registry';

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

/** A configured provider whose models are never called: `/local` only reads and writes the store. */
const idleProvider = (name: string, locality: 'local' | 'cloud', models: string[]): ModelProvider => ({
  name,
  locality,
  models: models.map((model) => ({
    ref: `${name}:${model}` as ModelRef,
    locality,
    stream: async function* () {
      yield { type: 'finish', reason: 'stop', usage: { inputTokens: 0, outputTokens: 0 } };
    },
  })),
  check: async () => ({ ok: true, detail: 'ok' }),
});

describe('/local', () => {
  let store: Store;
  const bus = createMemoryBus();
  const replies = new Map<string, ReplyPart[]>();
  let sequence = 0;

  beforeAll(async () => {
    store = await openStore({ dataDir: 'memory://' });
    bus.onReplies('local', async (requestId, part) => {
      replies.set(requestId, [...(replies.get(requestId) ?? []), part]);
    });
  });
  afterAll(async () => {
    await bus.close();
    await store.close();
  });

  /** An agent over `providers` and a fresh conversation to talk in; `say` returns the final part. */
  function chat(providers: ModelProvider[]) {
    const agent = createAgent({
      store,
      models: new ModelRegistry(providers),
      bus,
      settings,
      access,
      logger: createLogger({ level: 'silent' }),
    });
    const conversation: ConversationRef = {
      platform: 'telegram',
      account: 'bot',
      channel: `local-${randomUUID()}`,
      direct: true,
    };
    return {
      key: conversationKey(conversation),
      async say(text: string): Promise<ReplyPart | undefined> {
        sequence += 1;
        const command = parseCommand(text, { direct: true });
        const event: InboundEvent = {
          id: `local-test:${sequence}`,
          kind: 'command',
          conversation,
          author: { platformUserId: '1', displayName: 'Owner' },
          text,
          ...(command ? { command } : {}),
          reply: { platform: 'telegram', data: {} },
          receivedAt: new Date().toISOString(),
        };
        await agent.handle(event, { attempt: 1, signal: new AbortController().signal });
        return replies.get(event.id)?.at(-1);
      },
    };
  }

  it('turns local-only on and off, persists it, and reports the state', async () => {
    const { key, say } = chat([
      idleProvider('llama', 'local', ['qwen']),
      idleProvider('openai', 'cloud', ['gpt-4o']),
    ]);
    expect(await say('/local')).toMatchObject({
      type: 'reply-end',
      text: expect.stringMatching(/^Local only is off/),
    });
    expect(await say('/local on')).toMatchObject({
      type: 'reply-end',
      text: 'Local only is on: this conversation is never sent to a cloud model. Local models: llama:qwen.',
    });
    expect((await store.getConversation(key))?.localOnly).toBe(true);
    expect(await say('/local')).toMatchObject({ text: expect.stringMatching(/^Local only is on/) });
    expect(await say('/ask local off')).toMatchObject({ text: expect.stringMatching(/^Local only is off/) });
    expect((await store.getConversation(key))?.localOnly).toBe(false);
    expect(await say('/local')).toMatchObject({ text: expect.stringMatching(/^Local only is off/) });
  });

  it('warns when no local model is configured, and when a cloud model is pinned', async () => {
    const { key, say } = chat([idleProvider('openai', 'cloud', ['gpt-4o'])]);
    await say('/model openai:gpt-4o');
    expect((await store.getConversation(key))?.pinnedModel).toBe('openai:gpt-4o');
    const end = await say('/local ON');
    expect(end).toMatchObject({
      type: 'reply-end',
      text: expect.stringContaining('No local model is configured'),
    });
    expect(end).toMatchObject({ text: expect.stringContaining('pinned to openai:gpt-4o, a cloud model') });
    expect((await store.getConversation(key))?.localOnly).toBe(true);
  });

  it('refuses anything but on or off, and changes nothing', async () => {
    const { key, say } = chat([idleProvider('llama', 'local', ['qwen'])]);
    await say('/local on');
    expect(await say('/local maybe')).toEqual({
      type: 'error',
      code: 'invalid_argument',
      message: 'Use /local on, /local off, or /local alone to see the setting.',
    });
    expect((await store.getConversation(key))?.localOnly).toBe(true);
  });
});
