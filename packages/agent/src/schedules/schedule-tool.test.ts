import { conversationKey, createLogger, type InboundEvent } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { listFilesTool, ToolRegistry } from '@switchboard/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHarness, scriptedOpenAI, startAgentHarness } from '../test-harness';
import { createScheduler } from './scheduler';

const ALLOW_WRITES = {
  roles: {
    owner: { read: 'allow', write: 'allow', dangerous: 'ask' },
    member: { read: 'allow', write: 'ask', dangerous: 'deny' },
  },
} as const;

describe('the schedule and task_status tools, called by the model through the tool loop', () => {
  let fake: FakeOpenAI;
  let store: Store;
  let harness: AgentHarness;
  let clock = Date.parse('2026-12-07T06:00:00Z');
  const where = { channel: 'news', direct: false };
  const key = conversationKey({ platform: 'telegram', account: 'bot', channel: 'news', direct: false });
  const toolResults = () =>
    fake.requests.flatMap((request) =>
      ((request.body as { messages?: { role: string; content: string }[] })?.messages ?? [])
        .filter((message) => message.role === 'tool')
        .map((message) => message.content),
    );

  beforeAll(async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'Done.' } });
    store = await openStore({ dataDir: 'memory://' });
    harness = startAgentHarness({
      store,
      now: () => clock,
      providers: [scriptedOpenAI(fake.url)],
      registry: { defaultRef: 'openai:gpt-test' },
      tools: {
        registry: new ToolRegistry([listFilesTool]),
        workspace: '/nonexistent',
        approvalTtlMs: 60_000,
        policy: ALLOW_WRITES,
        agentTools: true,
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await fake.close();
    await store.close();
  });

  it('creates a schedule for this conversation that the scheduler then fires here', async () => {
    fake.enqueue({
      type: 'tool-calls',
      calls: [
        {
          name: 'schedule',
          arguments: { action: 'create', when: '0 9 * * *', timeZone: 'Europe/Berlin', prompt: 'the news' },
        },
      ],
    });
    const parts = await harness.say('/ask every morning at 9 Berlin time, give me the news', where);
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: 'Done.' });
    expect(toolResults().at(-1)).toMatch(
      /^Scheduled [0-9a-f]{8} · every day at 09:00 \(Europe\/Berlin\) · next 2026-12-07 09:00/,
    );
    const [created] = await store.listSchedules(key);
    expect(created).toMatchObject({
      pattern: '0 9 * * *',
      timeZone: 'Europe/Berlin',
      prompt: 'the news',
      authorId: 'telegram:1',
      conversation: { channel: 'news', direct: false },
    });

    const fired: InboundEvent[] = [];
    const scheduler = createScheduler({
      store,
      now: () => clock,
      logger: createLogger({ level: 'silent' }),
      fire: async (event) => {
        fired.push(event);
      },
    });
    clock = Date.parse('2026-12-07T08:00:00Z');
    await scheduler.tick();
    expect(fired.map((event) => [event.conversation.channel, event.command?.args])).toEqual([
      ['news', 'the news'],
    ]);
  });

  it('takes "when" in words, as a person would say it to the model', async () => {
    fake.enqueue({
      type: 'tool-calls',
      calls: [
        {
          name: 'schedule',
          arguments: { action: 'create', when: 'every weekday at 8:30am', prompt: 'the stand-up notes' },
        },
      ],
    });
    await harness.say('/ask remind me of the stand-up notes on weekdays at half past eight', where);
    expect(toolResults().at(-1)).toMatch(/^Scheduled [0-9a-f]{8} · every weekday at 08:30 \(UTC\)/);
    expect((await store.listSchedules(key)).map((row) => row.pattern)).toContain('30 8 * * 1-5');
  });

  it('answers task_status with the conversation recent tasks', async () => {
    fake.enqueue({ type: 'tool-calls', calls: [{ name: 'task_status', arguments: {} }] });
    const parts = await harness.say('/ask what have you been doing?', where);
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: 'Done.' });
    const [, earlier] = await store.listTasks(key, 2, 'ask');
    expect(toolResults().at(-1)).toContain(`#${earlier?.id.slice(0, 8)} · succeeded · openai:gpt-test`);
  });
});
