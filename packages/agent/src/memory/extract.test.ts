import {
  DEFAULT_MEMORY_SETTINGS,
  type LanguageModel,
  type ModelCall,
  type ModelPart,
  type ModelProvider,
  type ModelRef,
} from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { type FakeOpenAI, type RecordedRequest, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHarness, scriptedOpenAI, startAgentHarness } from '../test-harness';
import { parseFacts } from './extract';
import type { Scheduler } from './quiet-timers';

const IDLE_MS = 15 * 60_000;
const FACTS = '- Mia, the user’s daughter, was born on 2026-03-14.\n- The user prefers green tea.';
const isExtraction = (text: string | undefined) => text?.startsWith('You read a conversation') === true;

/** Timers the test fires by hand: the fake clock of "the conversation went quiet". */
function manualScheduler() {
  const pending = new Map<number, { ms: number; run: () => void }>();
  let next = 0;
  const schedule: Scheduler = (ms, run) => {
    next += 1;
    const id = next;
    pending.set(id, { ms, run });
    return () => pending.delete(id);
  };
  return {
    schedule,
    pending,
    /** Let every waiting conversation go quiet. */
    fire() {
      const due = [...pending.values()];
      pending.clear();
      for (const timer of due) timer.run();
    },
  };
}

const systemOf = (request: RecordedRequest) =>
  (request.body as { messages?: { role: string; content: string }[] } | undefined)?.messages?.[0]?.content;

describe('MEMORY_EXTRACT=on: facts kept once a conversation goes quiet', () => {
  let fake: FakeOpenAI;
  let store: Store;
  let harness: AgentHarness;
  let timers: ReturnType<typeof manualScheduler>;
  let channel = 0;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'Noted.' } });
    store = await openStore({ dataDir: 'memory://' });
  });
  afterEach(async () => {
    await harness?.close();
    fake.reset();
  });
  afterAll(async () => {
    await fake.close();
    await store.close();
  });

  const start = (providers: ModelProvider[] = []) => {
    timers = manualScheduler();
    harness = startAgentHarness({
      store,
      providers: [scriptedOpenAI(fake.url), ...providers],
      registry: { defaultRef: 'openai:gpt-test' },
      memory: { ...DEFAULT_MEMORY_SETTINGS, extract: true, extractIdleMs: IDLE_MS },
      schedule: timers.schedule,
    });
    channel += 1;
    return { channel: `extract-${channel}` };
  };

  it('extracts after the idle time (not before), stores dated facts with their source, and recalls them', async () => {
    const where = start();
    fake.respond((request) => (isExtraction(systemOf(request)) ? { type: 'text', text: FACTS } : undefined));
    await harness.say('/ask my daughter Mia was born on 14 March 2026', where);
    await harness.say('/ask and I only drink green tea', where);
    await harness.agent.settled();
    // Each answer restarted the conversation's timer: one waits, for the configured idle time.
    expect([...timers.pending.values()].map((timer) => timer.ms)).toEqual([IDLE_MS]);
    expect(fake.requests.some((request) => isExtraction(systemOf(request)))).toBe(false);

    timers.fire();
    await harness.agent.settled();
    const extraction = fake.requests.find((request) => isExtraction(systemOf(request)));
    const prompt = JSON.stringify(extraction?.body);
    expect(prompt).toContain('User: my daughter Mia was born on 14 March 2026');
    expect(prompt).toMatch(/\[\d{4}-\d{2}-\d{2}\] User: and I only drink green tea/);

    const personId = await store.personFor('telegram:1');
    const kept = await store.listMemories(personId, 10);
    const extracted = kept.filter((memory) => memory.source === 'extracted');
    expect(extracted.map((memory) => memory.content).sort()).toEqual([
      'Mia, the user’s daughter, was born on 2026-03-14.',
      'The user prefers green tea.',
    ]);
    for (const memory of extracted) {
      expect(memory.conversationKey).toBe(`telegram:bot:${where.channel}:-`);
      expect(memory.createdAt).toBeInstanceOf(Date);
    }
    const [task] = (await store.listTasks(`telegram:bot:${where.channel}:-`, 10)).filter(
      (each) => each.command === 'extract',
    );
    expect(task).toMatchObject({ status: 'succeeded', model: 'openai:gpt-test', authorId: 'telegram:1' });
    const events = await store.listTaskEvents(task?.id ?? '');
    expect(events.find((event) => event.type === 'extracted')?.data).toMatchObject({
      memories: extracted.map((memory) => memory.id).sort((a, b) => a - b),
    });

    // The next answer has them in its prompt, with their date; a second extraction keeps no duplicates.
    await harness.say('/ask when is Mia’s birthday?', where);
    const asked = fake.requests.filter((request) => !isExtraction(systemOf(request))).at(-1);
    expect(JSON.stringify(asked?.body)).toMatch(/\(\d{4}-\d{2}-\d{2}\) Mia, the user’s daughter, was born/);
    timers.fire();
    await harness.agent.settled();
    expect(fake.requests.filter((request) => isExtraction(systemOf(request)))).toHaveLength(2);
    expect((await store.listMemories(personId, 10)).filter((m) => m.source === 'extracted')).toHaveLength(2);
  });

  it('reads only the turns after the last extraction, and does nothing when none came', async () => {
    const where = start();
    fake.respond((request) => (isExtraction(systemOf(request)) ? { type: 'text', text: 'NONE' } : undefined));
    await harness.say('/ask the first turn', where);
    timers.fire();
    await harness.agent.settled();
    await harness.say('/ask the second turn', where);
    timers.fire();
    await harness.agent.settled();
    const prompts = fake.requests.filter((request) => isExtraction(systemOf(request)));
    expect(prompts).toHaveLength(2);
    expect(JSON.stringify(prompts[1]?.body)).not.toContain('the first turn');
    expect(JSON.stringify(prompts[1]?.body)).toContain('the second turn');
    const key = `telegram:bot:${where.channel}:-`;
    expect(await store.extractedThrough(key)).toBeGreaterThan(0);
  });

  it('uses the local model under /local on: the cloud never sees the conversation', async () => {
    const local: ModelCall[] = [];
    const model: LanguageModel = {
      ref: 'llama:tiny' as ModelRef,
      locality: 'local',
      async *stream(call): AsyncGenerator<ModelPart> {
        local.push(call);
        const text = isExtraction(call.messages[0]?.content) ? '- The user keeps bees.' : 'Local answer.';
        yield { type: 'text-delta', delta: text };
        yield { type: 'finish', reason: 'stop', usage: { inputTokens: 10, outputTokens: 5 } };
      },
    };
    const where = start([
      { name: 'llama', locality: 'local', models: [model], check: async () => ({ ok: true, detail: 'ok' }) },
    ]);
    await harness.say('/local on', where);
    await harness.say('/ask I keep bees in the garden', where);
    timers.fire();
    await harness.agent.settled();
    expect(local.some((call) => isExtraction(call.messages[0]?.content))).toBe(true);
    expect(fake.requests.filter((request) => request.path.endsWith('/chat/completions'))).toHaveLength(0);
    const memories = await store.listMemories(await store.personFor('telegram:1'), 50);
    expect(memories.map((memory) => memory.content)).toContain('The user keeps bees.');
  });

  it('never turns a shared channel without team memory into anyone’s memories', async () => {
    const where = { ...start(), direct: false };
    await harness.say('/ask my password hint is the blue door', where);
    timers.fire();
    await harness.agent.settled();
    expect(fake.requests.some((request) => isExtraction(systemOf(request)))).toBe(false);
  });
});

describe('the facts of an extraction answer', () => {
  it('keeps bullet and numbered lines, once each, and nothing for NONE', () => {
    expect(parseFacts('Here they are:\n- one fact\n* two\n1. three\n- one fact\n')).toEqual([
      'one fact',
      'two',
      'three',
    ]);
    expect(parseFacts('NONE')).toEqual([]);
    expect(parseFacts('- none')).toEqual([]);
    expect(parseFacts(Array.from({ length: 20 }, (_, i) => `- fact ${i}`).join('\n'))).toHaveLength(10);
  });
});
