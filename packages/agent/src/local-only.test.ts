import { randomUUID } from 'node:crypto';
import { type ConversationRef, conversationKey, type ModelProvider, type ReplyPart } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHarness, idleProvider, startAgentHarness } from './test-harness';

describe('/local', () => {
  let store: Store;
  const harnesses: AgentHarness[] = [];

  beforeAll(async () => {
    store = await openStore({ dataDir: 'memory://' });
  });
  afterAll(async () => {
    for (const harness of harnesses) await harness.close();
    await store.close();
  });

  /** An agent over `providers` and a fresh conversation to talk in; `say` returns the final part. */
  function chat(providers: ModelProvider[]) {
    const harness = startAgentHarness({ store, providers });
    harnesses.push(harness);
    const conversation: ConversationRef = {
      platform: 'telegram',
      account: 'bot',
      channel: `local-${randomUUID()}`,
      direct: true,
    };
    return {
      key: conversationKey(conversation),
      say: async (text: string): Promise<ReplyPart | undefined> =>
        (await harness.say(text, conversation)).at(-1),
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
