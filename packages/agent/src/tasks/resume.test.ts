import { conversationKey, type InboundEvent, type ReplyPart } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { type AnyTool, defineTool, ToolRegistry } from '@switchboard/tools';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { interruptedMessage } from '../loop/tool-loop';
import { type AgentHarness, scriptedOpenAI, startAgentHarness } from '../test-harness';
import { RESTARTED_NOTE } from './claim';

/** Tools that record their runs; each hangs for good on the runs listed in `hangOn` (a process that died). */
function tools(runs: string[], hangOn: Set<string>): AnyTool[] {
  const run = async (label: string) => {
    runs.push(label);
    if (hangOn.delete(label)) await new Promise(() => {});
    return { text: `${label} done` };
  };
  return [
    defineTool({
      name: 'launch',
      description: 'Launch something (a side effect).',
      input: z.object({ target: z.string() }),
      risk: 'dangerous',
      summarize: ({ target }) => `launch ${target}`,
      run: ({ target }) => run(`launch ${target}`),
    }),
    defineTool({
      name: 'look',
      description: 'Look at something.',
      input: z.object({ at: z.string() }),
      risk: 'read',
      summarize: ({ at }) => `look at ${at}`,
      run: ({ at }) => run(`look ${at}`),
    }),
  ];
}

const ALLOW_ALL = {
  roles: {
    owner: { read: 'allow', write: 'allow', dangerous: 'allow' },
    member: { read: 'allow', write: 'allow', dangerous: 'allow' },
  },
} as const;

describe('a task interrupted by a restart resumes from its recorded steps, never repeating a side effect', () => {
  let fake: FakeOpenAI;
  let store: Store;
  const harnesses: AgentHarness[] = [];
  let sequence = 0;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'All done.' } });
    store = await openStore({ dataDir: 'memory://' });
  });
  afterEach(async () => {
    for (const harness of harnesses.splice(0)) await harness.close();
    fake.reset();
  });
  afterAll(async () => {
    await fake.close();
    await store.close();
  });

  const worker = (runs: string[], hangOn: Set<string>) => {
    const harness = startAgentHarness({
      store,
      providers: [scriptedOpenAI(fake.url)],
      registry: { defaultRef: 'openai:gpt-test' },
      tools: {
        registry: new ToolRegistry(tools(runs, hangOn)),
        workspace: '/nonexistent',
        approvalTtlMs: 60_000,
        policy: ALLOW_ALL,
      },
    });
    harnesses.push(harness);
    return harness;
  };

  /** Ask on the first worker until `label` is running, then "kill" it: the task stays `running` under its lease. */
  async function askAndDie(runs: string[], label: string, text: string) {
    sequence += 1;
    const where = { channel: `resume-${sequence}` };
    const first = worker(runs, new Set([label]));
    void first.say(`/ask ${text}`, where);
    for (let waited = 0; !runs.includes(label); waited += 10) {
      if (waited > 10_000) throw new Error(`${label} never ran`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const key = conversationKey({
      platform: 'telegram',
      account: 'bot',
      channel: where.channel,
      direct: true,
    });
    const [task] = await store.listTasks(key, 1, 'ask');
    if (task?.leaseOwner === undefined) throw new Error('the task was not running');
    return { task, where, owner: task.leaseOwner };
  }

  /**
   * What recovery does after the process died: adopt the task, then hand its event (as the inbox
   * recorded it) to a worker again.
   */
  async function recover(
    harness: AgentHarness,
    died: { task: { id: string; eventId: string }; where: { channel: string }; owner: string },
    text: string,
  ): Promise<ReplyPart[]> {
    const { task, where, owner } = died;
    expect(await store.adoptTask(task.id, owner, { owner: 'recovery:1:new', ms: 60_000 }, true)).toBe(true);
    const resumed: InboundEvent = {
      id: task.eventId,
      kind: 'command',
      conversation: { platform: 'telegram', account: 'bot', channel: where.channel, direct: true },
      author: { platformUserId: '1', displayName: 'Owner' },
      text: `/ask ${text}`,
      command: { name: 'ask', args: text },
      reply: { platform: 'telegram', data: {} },
      receivedAt: new Date().toISOString(),
      inbox: { taskId: task.id, owner: 'recovery:1:new', outbox: false, recovered: true },
    };
    await harness.agent.handle(resumed, { attempt: 1, signal: new AbortController().signal });
    await harness.agent.settled();
    return harness.parts();
  }

  it('replays a finished side effect from its record and runs an interrupted read again', async () => {
    const runs: string[] = [];
    fake.enqueue({
      type: 'tool-calls',
      calls: [
        { name: 'launch', arguments: { target: 'rocket' } },
        { name: 'look', arguments: { at: 'sky' } },
      ],
    });
    const died = await askAndDie(runs, 'look sky', 'launch and look');
    const { task } = died;
    expect(runs).toEqual(['launch rocket', 'look sky']);
    expect((await store.listSteps(task.id)).map((step) => [step.step, step.status])).toEqual([
      [1, 'done'],
      [2, 'running'],
    ]);

    const parts = await recover(worker(runs, new Set()), died, 'launch and look');
    expect(runs).toEqual(['launch rocket', 'look sky', 'look sky']);
    expect(parts.filter((part) => part.type === 'status' && part.text === RESTARTED_NOTE)).toHaveLength(1);
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: 'All done.' });
    const lastBody = fake.requests.at(-1)?.body as { messages?: { role: string; content: string }[] };
    const toolMessages = (lastBody?.messages ?? [])
      .filter((message) => message.role === 'tool')
      .map((message) => message.content);
    expect(toolMessages).toEqual(['launch rocket done', 'look sky done']);
    expect(await store.getTask(task.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
    const events = (await store.listTaskEvents(task.id)).map((event) => event.type);
    expect(events).toContain('tool-replayed');
  });

  it('ends the task failed, without running it again, when a side effect had started but not finished', async () => {
    const runs: string[] = [];
    fake.enqueue({ type: 'tool-calls', calls: [{ name: 'launch', arguments: { target: 'probe' } }] });
    const died = await askAndDie(runs, 'launch probe', 'launch the probe');
    const { task } = died;
    const requestsBefore = fake.requests.length;

    const parts = await recover(worker(runs, new Set()), died, 'launch the probe');
    expect(runs).toEqual(['launch probe']);
    expect(parts.at(-1)).toEqual({
      type: 'error',
      code: 'interrupted',
      message: interruptedMessage('launch', 'launch probe'),
    });
    expect(fake.requests).toHaveLength(requestsBefore);
    expect(await store.getTask(task.id)).toMatchObject({ status: 'failed', errorCode: 'interrupted' });
  });
});
