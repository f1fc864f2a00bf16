import { randomUUID } from 'node:crypto';
import {
  type Config,
  type ConversationRef,
  DEFAULT_MEMORY_SETTINGS,
  type LanguageModel,
  type ModelCall,
  type ModelPart,
  type ModelProvider,
  type ModelRef,
  type ReplyPart,
} from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHarness, HARNESS_ACCESS, startAgentHarness } from '../test-harness';

/** A local model that records every call and answers with `answer(call)`. */
function scriptedProvider(answer: (call: ModelCall) => string, extra: Partial<LanguageModel> = {}) {
  const calls: ModelCall[] = [];
  const model: LanguageModel = {
    ref: 'llama:scripted' as ModelRef,
    locality: 'local',
    async *stream(call): AsyncGenerator<ModelPart> {
      calls.push(call);
      yield { type: 'text-delta', delta: answer(call) };
      yield { type: 'finish', reason: 'stop', usage: { inputTokens: 10, outputTokens: 5 } };
    },
    ...extra,
  };
  const provider: ModelProvider = {
    name: 'llama',
    locality: 'local',
    models: [model],
    check: async () => ({ ok: true, detail: 'ok' }),
  };
  return { provider, calls };
}

const systemOf = (call: ModelCall | undefined) =>
  call?.messages.find((message) => message.role === 'system')?.content ?? '';
const textOf = (parts: readonly ReplyPart[]) => {
  const last = parts.at(-1);
  return last?.type === 'reply-end' ? last.text : JSON.stringify(last);
};

const ACCESS: Config['access'] = {
  ...HARNESS_ACCESS,
  allow: {
    ...HARNESS_ACCESS.allow,
    telegram: { users: ['2', '3'], chats: [], roles: [] },
    slack: { users: ['U2'], chats: [], roles: [] },
  },
};

describe('long-term memory through the agent', () => {
  let store: Store;
  let harness: AgentHarness;
  let calls: ModelCall[];

  beforeAll(async () => {
    store = await openStore({ dataDir: 'memory://' });
    const scripted = scriptedProvider(() => 'ok');
    calls = scripted.calls;
    harness = startAgentHarness({
      store,
      providers: [scripted.provider],
      access: ACCESS,
      memory: DEFAULT_MEMORY_SETTINGS,
    });
  });
  afterAll(async () => {
    await harness.close();
    await store.close();
  });

  const dm = (platform: 'telegram' | 'slack', user: string): Partial<ConversationRef> => ({
    platform,
    channel: `dm-${user}-${randomUUID()}`,
    direct: true,
  });

  it('recalls a fact kept on Telegram in a linked Slack chat, and never for another person', async () => {
    const telegram = dm('telegram', '2');
    const slack = dm('slack', 'U2');
    expect(textOf(await harness.say('/remember my locker code is 4711', telegram, '2'))).toMatch(
      /^Remembered \(#\d+\)/,
    );
    const linkReply = textOf(await harness.say('/link', telegram, '2'));
    const code = /link code is ([A-Z0-9]{6})/.exec(linkReply)?.[1];
    expect(code).toBeDefined();
    expect(textOf(await harness.say(`/link ${code}`, slack, 'U2'))).toMatch(/^Linked\./);

    await harness.say('what is my locker code?', slack, 'U2');
    expect(systemOf(calls.at(-1))).toContain('my locker code is 4711');
    expect(systemOf(calls.at(-1))).toMatch(/\(\d{4}-\d{2}-\d{2}\) my locker code is 4711/);

    await harness.say('what is my locker code?', dm('telegram', '3'), '3');
    expect(systemOf(calls.at(-1))).not.toContain('4711');

    // In a shared channel, private memories stay out; team memory shares what is kept there.
    const channel: Partial<ConversationRef> = {
      platform: 'telegram',
      channel: `group-${randomUUID()}`,
      direct: false,
    };
    await harness.say('/ask what is my locker code?', channel, '2');
    expect(systemOf(calls.at(-1))).not.toContain('4711');
    expect(textOf(await harness.say('/memory team on', channel, '2'))).toMatch(/^Only an owner/);
    expect(textOf(await harness.say('/memory team on', channel, '1'))).toMatch(/^Team memory is on/);
    await harness.say('/remember the standup is at 10:15', channel, '1');
    await harness.say('/ask when is the standup?', channel, '3');
    expect(systemOf(calls.at(-1))).toContain('the standup is at 10:15');
    expect(systemOf(calls.at(-1))).not.toContain('4711');
  });

  it('/memories lists with ids, /forget <id> removes one, /unlink separates again', async () => {
    const chat = dm('telegram', '3');
    const kept = textOf(await harness.say('/remember I like green tea', chat, '3'));
    const id = /#(\d+)/.exec(kept)?.[1];
    expect(textOf(await harness.say('/memories', chat, '3'))).toContain(`#${id} (`);
    expect(textOf(await harness.say(`/forget ${id}`, chat, '3'))).toBe(`Forgotten: memory #${id}.`);
    expect(textOf(await harness.say('/memories', chat, '3'))).toMatch(/^I keep no memories/);
    expect(textOf(await harness.say('/unlink', chat, '3'))).toBe('This account is not linked to another.');
  });

  it('/history <words> finds the person’s turns with model and cost, newest first', async () => {
    const chat = dm('telegram', '2');
    await harness.say('the boiler is leaking again', chat, '2');
    const found = textOf(await harness.say('/history boiler', chat, '2'));
    expect(found).toContain('You: the boiler is leaking again [llama:scripted');
  });

  it('/export gives a 10-minute link; /forget all asks first and then erases every row of the person', async () => {
    const chat = dm('telegram', '3');
    await harness.say('/remember my bike is blue', chat, '3');
    const exported = textOf(await harness.say('/export', chat, '3'));
    const token = /\/api\/export\/([\w-]+)/.exec(exported)?.[1] ?? '';
    const personId = await store.personFor('telegram:3');
    expect(await store.personOfExportLink(token, new Date())).toBe(personId);
    expect(await store.personOfExportLink(token, new Date(Date.now() + 11 * 60_000))).toBeUndefined();

    const asked = await harness.say('/forget all', chat, '3');
    const approval = asked.find((part) => part.type === 'approval-request');
    expect(approval).toMatchObject({ choices: ['erase', 'keep'] });
    const approvalId = approval?.type === 'approval-request' ? approval.approvalId : '';
    expect(await store.listMemories(personId, 10)).toHaveLength(1);

    // Someone else pressing it erases nothing.
    const stranger = await harness.press(
      { id: 'approval', value: `${approvalId}:erase` },
      { user: '2', conversation: chat },
    );
    expect(stranger.at(-1)).toMatchObject({ type: 'error', code: 'not_your_approval' });
    expect(await store.listMemories(personId, 10)).toHaveLength(1);

    const erased = await harness.press(
      { id: 'approval', value: `${approvalId}:erase` },
      { user: '3', conversation: chat },
    );
    expect(textOf(erased)).toMatch(/^Erased: \d+ records/);
    expect(await store.listMemories(personId, 10)).toEqual([]);
    expect(await store.identitiesOf(personId)).toEqual([]);
  });
});
