import { randomUUID } from 'node:crypto';
import { type ConversationRef, conversationKey, type ModelProvider, type ReplyPart } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHarness, idleProvider, startAgentHarness } from '../test-harness';

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
      text: 'Local only is on. This conversation now stays on this machine: answers come from llama:qwen, and no cloud model is used, not even as a fallback, until /local off.',
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
    expect(end).toEqual({
      type: 'reply-end',
      text: 'Local only is on, but no local model is configured, so questions here cannot be answered until one is (see `switchboard doctor`) or until /local off. Your /model openai:gpt-4o preference is kept but ignored until /local off.',
      meta: {},
    });
    expect((await store.getConversation(key))?.localOnly).toBe(true);
  });

  it('after /model cloud, says in plain words what answers instead and that the preference waits', async () => {
    const { key, say } = chat([
      idleProvider('llama', 'local', ['qwen']),
      idleProvider('openai', 'cloud', ['gpt-4o']),
    ]);
    await say('/model cloud');
    expect(await say('/local on')).toEqual({
      type: 'reply-end',
      text: 'Local only is on. This conversation now stays on this machine: answers come from llama:qwen. Your /model cloud preference is kept but ignored until /local off.',
      meta: {},
    });
    expect(await say('/local off')).toEqual({
      type: 'reply-end',
      text: 'Local only is off: cloud models may answer this conversation again. Your /model cloud preference applies again.',
      meta: {},
    });
    expect((await store.getConversation(key))?.pinnedModel).toBe('cloud');
  });

  it('names the pinned local model as the one that answers', async () => {
    const { say } = chat([
      idleProvider('llama', 'local', ['qwen', 'phi']),
      idleProvider('openai', 'cloud', ['gpt-4o']),
    ]);
    await say('/model llama:phi');
    expect(await say('/local on')).toMatchObject({
      text: expect.stringMatching(/answers come from llama:phi, and no cloud model is used/),
    });
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
