import { type ActionInvocation, approvalButton, type ReplyPart } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { type FakeOpenAI, type RecordedRequest, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { listFilesTool, ToolRegistry } from '@switchboard/tools';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHarness, scriptedOpenAI, startAgentHarness } from '../test-harness';

type Approval = Extract<ReplyPart, { type: 'approval-request' }>;
type Message = { role: string; content: string | null; tool_calls?: unknown };

const messagesOf = (request: RecordedRequest | undefined) =>
  (request?.body as { messages?: Message[] } | undefined)?.messages ?? [];
const hasToolResult = (request: RecordedRequest) => messagesOf(request).some((m) => m.role === 'tool');
const lastToolResult = (fake: FakeOpenAI) =>
  fake.requests
    .flatMap((request) => messagesOf(request))
    .filter((message) => message.role === 'tool')
    .at(-1)?.content;
const isApproval = (part: ReplyPart): part is Approval => part.type === 'approval-request';
const press = (approvalId: string, choice: string): ActionInvocation =>
  approvalButton({ approvalId, choice });

describe('the remember and recall tools, through the tool loop and the scripted OpenAI fake', () => {
  let fake: FakeOpenAI;
  let store: Store;
  let harness: AgentHarness;
  let channel = 0;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'Done.' } });
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

  const start = () => {
    harness = startAgentHarness({
      store,
      providers: [scriptedOpenAI(fake.url)],
      registry: { defaultRef: 'openai:gpt-test' },
      tools: {
        registry: new ToolRegistry([listFilesTool]),
        workspace: '/nonexistent',
        approvalTtlMs: 60_000,
      },
    });
    channel += 1;
    return { channel: `memory-tools-${channel}` };
  };

  it('offers both tools to the model, beside the box’s own', async () => {
    const where = start();
    await harness.say('/ask hello', where);
    const tools = (fake.requests.at(-1)?.body as { tools?: { function: { name: string } }[] } | undefined)
      ?.tools;
    expect(tools?.map((tool) => tool.function.name)).toEqual(['list_files', 'remember', 'recall']);
  });

  it('remember asks the owner first (a write), then keeps the fact for the asking person', async () => {
    const where = start();
    fake.enqueue({
      type: 'tool-calls',
      calls: [{ name: 'remember', arguments: { fact: 'The user’s bike is a red Gazelle.' } }],
    });
    const answer = harness.say('/ask remember that my bike is a red Gazelle', where);
    const approval = (await harness.waitForPart(isApproval)) as Approval;
    expect(approval.summary).toContain('remember: The user’s bike is a red Gazelle.');
    const personId = await store.personFor('telegram:1');
    expect((await store.listMemories(personId, 50)).map((m) => m.content)).not.toContain(
      'The user’s bike is a red Gazelle.',
    );
    await harness.press(press(approval.approvalId, 'approve'));
    expect((await answer).at(-1)).toMatchObject({ type: 'reply-end' });
    const [kept] = await store.listMemories(personId, 1);
    expect(kept).toMatchObject({
      content: 'The user’s bike is a red Gazelle.',
      source: 'tool',
      conversationKey: `telegram:bot:${where.channel}:-`,
      channelKey: undefined,
    });
    expect(lastToolResult(fake)).toBe(`Remembered as memory #${kept?.id}.`);
  });

  it('recall runs without asking (a read) and gives the model the person’s memories with ids and dates', async () => {
    const where = start();
    const personId = await store.personFor('telegram:1');
    const kept = await store.addMemory({
      personId,
      content: 'My dentist is Dr. Okafor on Elm Street',
      source: 'remember',
    });
    await store.addMemory({
      personId: await store.personFor('telegram:2'),
      content: 'Another person’s dentist is Dr. Smith',
      source: 'remember',
    });
    fake.enqueue({ type: 'tool-calls', calls: [{ name: 'recall', arguments: { query: 'dentist' } }] });
    fake.respond((request) =>
      hasToolResult(request) ? { type: 'text', text: `Found: ${lastToolResult(fake)}` } : undefined,
    );
    const parts = await harness.say('/ask who is my dentist?', where);
    expect(parts.some(isApproval)).toBe(false);
    const result = lastToolResult(fake);
    expect(result).toMatch(new RegExp(`^#${kept.id} \\(\\d{4}-\\d{2}-\\d{2}\\) My dentist is Dr\\. Okafor`));
    expect(result).not.toContain('Dr. Smith');
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: expect.stringContaining('Dr. Okafor') });
  });

  it('recall finds nothing in a shared channel without team memory, and says so', async () => {
    const where = { ...start(), direct: false };
    fake.enqueue({ type: 'tool-calls', calls: [{ name: 'recall', arguments: { query: 'dentist' } }] });
    await harness.say('/ask who is my dentist?', where);
    expect(lastToolResult(fake)).toContain('team memory is off here');
  });

  it('a remember call with an empty fact is refused with a reason the model can act on', async () => {
    const where = start();
    fake.enqueue({ type: 'tool-calls', calls: [{ name: 'remember', arguments: { fact: '  ' } }] });
    const parts = await harness.say('/ask remember nothing', where);
    expect(parts.some(isApproval)).toBe(false);
    expect(lastToolResult(fake)).toContain('say what to remember');
  });
});
