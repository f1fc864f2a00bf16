import { randomUUID } from 'node:crypto';
import { type ConversationRef, conversationKey, type ReplyPart } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { createOpenAIProvider } from '@switchboard/provider-openai';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHarness, startAgentHarness } from '../test-harness';

describe('/ask', () => {
  let fake: FakeOpenAI;
  let store: Store;
  let harness: AgentHarness;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'Local answer.' } });
    store = await openStore({ dataDir: 'memory://' });
    // The only configured model is a local one: no gpt-4o-mini, no cloud model.
    const local = createOpenAIProvider({
      name: 'llama',
      baseURL: fake.url,
      models: ['qwen'],
      locality: 'local',
    });
    harness = startAgentHarness({ store, providers: [local] });
  });
  afterAll(async () => {
    await harness.close();
    await store.close();
    await fake.close();
  });

  /** Ask in a fresh conversation; the parts and the conversation's tasks. */
  async function ask(text: string) {
    const conversation: ConversationRef = {
      platform: 'telegram',
      account: 'bot',
      channel: `ask-${randomUUID()}`,
      direct: true,
    };
    const parts: ReplyPart[] = await harness.say(text, conversation);
    return { parts, tasks: await store.listTasks(conversationKey(conversation), 10) };
  }

  describe('@model that is not configured', () => {
    it.each(['gpt-4o-mini', 'cloud', 'nonsense-model'])(
      'says there is no model called %s and names the configured ones, asking no model',
      async (name) => {
        const before = fake.requestCount;
        const { parts, tasks } = await ask(`/ask @${name} what is 2+2?`);
        expect(parts).toEqual([
          {
            type: 'error',
            code: 'unknown_model',
            message: `There is no model called ${name}. Configured models: llama:qwen. Ask again without @${name}, or with one of those.`,
          },
        ]);
        expect(fake.requestCount).toBe(before);
        expect(tasks).toEqual([]);
      },
    );

    it('answers the same way /model does for that name', async () => {
      const model = (await ask('/model nonsense-model')).parts.at(-1);
      const asked = (await ask('/ask @nonsense-model hello')).parts.at(-1);
      expect(model).toMatchObject({ type: 'error', code: 'unknown_model' });
      expect(asked).toMatchObject({ type: 'error', code: 'unknown_model' });
      if (model?.type !== 'error' || asked?.type !== 'error') return;
      expect(asked.message.startsWith(model.message)).toBe(true);
    });
  });

  it('answers with the model named when it is configured, and says so', async () => {
    const { parts, tasks } = await ask('/ask @qwen what is 2+2?');
    expect(parts.at(-1)).toMatchObject({
      type: 'reply-end',
      meta: { model: 'llama:qwen', routeReason: 'asked for with @' },
    });
    expect(tasks[0]).toMatchObject({ status: 'succeeded', routeReason: 'asked for with @' });
    const sent = fake.requests.at(-1)?.body as { messages: { content: string }[] };
    expect(sent.messages.at(-1)?.content).toBe('what is 2+2?');
  });

  it.each(['write to me@example.com about it', 'me@example.com wrote this', '@ is the at sign', '@qwen'])(
    'keeps %j whole as the question, answered by the default model',
    async (question) => {
      const { parts } = await ask(`/ask ${question}`);
      expect(parts.at(-1)).toMatchObject({
        type: 'reply-end',
        meta: { model: 'llama:qwen', routeReason: 'default model' },
      });
      const sent = fake.requests.at(-1)?.body as { messages: { content: string }[] };
      expect(sent.messages.at(-1)?.content).toBe(question);
    },
  );

  describe('an answer the model stopped at the token limit', () => {
    it('says so under the reply, records the finish reason, and /status shows it', async () => {
      fake.enqueue({ type: 'text', text: 'The first half of a long', finishReason: 'length' });
      const conversation: ConversationRef = {
        platform: 'telegram',
        account: 'bot',
        channel: `length-${randomUUID()}`,
        direct: true,
      };
      const parts = await harness.say('/ask tell me everything', conversation);
      expect(parts.at(-1)).toMatchObject({
        type: 'reply-end',
        text: 'The first half of a long\n\n_(stopped at the length limit)_',
      });
      const [task] = await store.listTasks(conversationKey(conversation), 1);
      expect(task).toMatchObject({ status: 'succeeded', finishReason: 'length' });
      const status = (await harness.say('/status', conversation)).at(-1);
      expect(status).toMatchObject({ text: expect.stringContaining(' · stopped at the length limit · ') });
      const remembered = await store.recentMessages(conversationKey(conversation), 10);
      expect(remembered.map((turn) => turn.content)).toEqual([
        'tell me everything',
        'The first half of a long',
      ]);
    });

    it('adds nothing to an answer that simply ended, and records stop', async () => {
      const { parts, tasks } = await ask('/ask a short one');
      expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: 'Local answer.' });
      expect(tasks[0]).toMatchObject({ finishReason: 'stop' });
    });
  });

  describe('input tokens', () => {
    it('records the tokens the server reports for a 100,000-character question', async () => {
      const question = 'word '.repeat(20_000).trim();
      fake.enqueue({ type: 'text', text: 'Long.', usage: { prompt_tokens: 20_017, completion_tokens: 2 } });
      const { parts, tasks } = await ask(`/ask ${question}`);
      expect(parts.at(-1)).toMatchObject({ meta: { usage: { inputTokens: 20_017, outputTokens: 2 } } });
      expect(tasks[0]).toMatchObject({ inputTokens: 20_017, outputTokens: 2 });
    });

    it('estimates them when the server reports none, for a fresh question and a long one', async () => {
      for (const question of ['what is new?', 'word '.repeat(20_000).trim()]) {
        fake.enqueue({ type: 'text', text: 'An answer.', usage: { prompt_tokens: 0, completion_tokens: 0 } });
        const { tasks } = await ask(`/ask ${question}`);
        const task = tasks[0];
        // System prompt, the question and the template: at least a quarter of the characters.
        expect(task?.inputTokens).toBeGreaterThanOrEqual(Math.ceil(question.length / 4));
        expect(task?.inputTokens).toBeLessThan(Math.ceil(question.length / 4) + 50);
        expect(task?.outputTokens).toBe(3);
      }
    });
  });
});
