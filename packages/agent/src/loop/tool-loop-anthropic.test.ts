import { approvalButton, type ReplyPart } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { createAnthropicProvider } from '@switchboard/provider-anthropic';
import { type FakeAnthropic, startFakeAnthropic } from '@switchboard/testkit/fake-anthropic';
import { defineTool, ToolRegistry } from '@switchboard/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AgentHarness, startAgentHarness } from '../test-harness';

type Approval = Extract<ReplyPart, { type: 'approval-request' }>;

interface WireBlock {
  readonly type: string;
  readonly tool_use_id?: string;
  readonly content?: string;
}

/** Every `tool_result` block the fake received, in order. */
function toolResults(fake: FakeAnthropic): WireBlock[] {
  return fake.requests.flatMap((request) =>
    ((request.body as { messages?: { content: string | WireBlock[] }[] })?.messages ?? []).flatMap(
      (message) =>
        typeof message.content === 'string'
          ? []
          : message.content.filter((block) => block.type === 'tool_result'),
    ),
  );
}

describe('the tool loop through the real Anthropic SDK against the scripted fake', () => {
  let fake: FakeAnthropic;
  let store: Store;
  let harness: AgentHarness;
  const runs: string[] = [];

  beforeAll(async () => {
    fake = await startFakeAnthropic({ defaultBehaviour: { type: 'text', text: 'Finished.' } });
    store = await openStore({ dataDir: 'memory://' });
    const launch = defineTool({
      name: 'launch',
      description: 'Launch something.',
      input: z.object({ target: z.string() }),
      risk: 'dangerous',
      summarize: ({ target }) => `launch ${target}`,
      run: async ({ target }) => {
        runs.push(target);
        return { text: `launched ${target}` };
      },
    });
    const clock = defineTool({
      name: 'clock',
      description: 'The time.',
      input: z.object({}),
      risk: 'read',
      summarize: () => 'read the clock',
      run: async () => ({ text: 'it is noon' }),
    });
    harness = startAgentHarness({
      store,
      providers: [
        createAnthropicProvider({
          apiKey: 'sk-ant-test',
          baseURL: fake.url,
          models: ['claude-test'],
          locality: 'cloud',
          timeoutMs: 10_000,
        }),
      ],
      registry: { defaultRef: 'anthropic:claude-test' },
      tools: { registry: new ToolRegistry([launch, clock]), workspace: '/nowhere', approvalTtlMs: 60_000 },
    });
  });
  afterAll(async () => {
    await harness.close();
    await fake.close();
    await store.close();
  });

  it('sends the tools, runs a read tool, asks before a dangerous one, and returns both results as tool_result blocks', async () => {
    fake.enqueue(
      { type: 'tool-calls', text: 'Let me check.', calls: [{ name: 'clock', input: {} }] },
      { type: 'tool-calls', calls: [{ name: 'launch', input: { target: 'probe' } }] },
    );
    const answer = harness.say('/ask launch at noon', { channel: 'anthropic-tools' });
    const approval = (await harness.waitForPart((part) => part.type === 'approval-request')) as Approval;
    expect(approval.summary).toContain('launch probe');
    expect(runs).toEqual([]);
    await harness.press(approvalButton({ approvalId: approval.approvalId, choice: 'approve' }));
    const parts = await answer;
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end', text: 'Finished.' });
    expect(runs).toEqual(['probe']);
    const first = fake.requests[0]?.body as { tools?: { name: string; input_schema: object }[] };
    expect(first.tools?.map((tool) => tool.name)).toEqual(['launch', 'clock', 'remember', 'recall']);
    expect(toolResults(fake).map((block) => block.content)).toEqual(
      expect.arrayContaining(['it is noon', 'launched probe']),
    );
  });
});
