import { conversationKey, type ModelRef, type ReplyPart } from '@switchboard/core';
import { IN_MEMORY, openStore, type Store } from '@switchboard/memory';
import { createOpenAIProvider } from '@switchboard/provider-openai';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LENGTH_LIMIT_NOTE } from './tasks/finish';
import { type AgentHarness, HARNESS_SETTINGS, startAgentHarness } from './test-harness';

const GPT: ModelRef = 'openai:gpt-test';
const LIMIT = HARNESS_SETTINGS.maxOutputTokens;

describe('the output token limit, enforced by the box', () => {
  let store: Store;
  let openai: FakeOpenAI | undefined;
  let harness: AgentHarness | undefined;
  let channel = 0;

  const start = async (maxTokens: 'honour' | 'ignore', text: string, chunkSize: number) => {
    openai = await startFakeOpenAI({
      defaultBehaviour: { type: 'text', text, chunkSize, delayMs: 1 },
      maxTokens,
    });
    harness = startAgentHarness({
      store,
      providers: [
        createOpenAIProvider({
          apiKey: 'sk-test',
          baseURL: openai.url,
          models: ['gpt-test'],
          locality: 'cloud',
          timeoutMs: 30_000,
        }),
      ],
      registry: { defaultRef: GPT },
    });
    return { openai, harness };
  };
  const ask = async (running: AgentHarness) => {
    channel += 1;
    const conversation = { channel: `limit-${channel}` };
    const parts: ReplyPart[] = await running.say('/ask write forever', conversation);
    const key = conversationKey({ platform: 'telegram', account: 'bot', direct: true, ...conversation });
    const [task] = await store.listTasks(key, 1);
    return { end: parts.at(-1), task };
  };

  beforeAll(async () => {
    store = await openStore({ dataDir: IN_MEMORY });
  });
  afterEach(async () => {
    await harness?.close();
    await openai?.close();
  });
  afterAll(async () => {
    await store.close();
  });

  it('cuts a provider that ignores max_tokens at the limit and cancels its stream', async () => {
    const { openai: fake, harness: running } = await start('ignore', 'tok '.repeat(5_001), 4);
    const { end, task } = await ask(running);
    expect(end).toMatchObject({ type: 'reply-end', text: `${'tok '.repeat(LIMIT)}\n\n${LENGTH_LIMIT_NOTE}` });
    expect(task).toMatchObject({ status: 'succeeded', finishReason: 'length', outputTokens: LIMIT });
    await expect.poll(() => fake.requests[0]?.outcome).toBe('client-closed');
  });

  it('leaves a provider that honours max_tokens alone: its own length finish and usage arrive', async () => {
    const { harness: running } = await start('honour', 'tokens '.repeat(5_001), 7);
    const { end, task } = await ask(running);
    expect(end).toMatchObject({
      type: 'reply-end',
      text: `${'tokens '.repeat(LIMIT)}\n\n${LENGTH_LIMIT_NOTE}`,
    });
    expect(task).toMatchObject({ status: 'succeeded', finishReason: 'length', outputTokens: LIMIT });
  });
});
