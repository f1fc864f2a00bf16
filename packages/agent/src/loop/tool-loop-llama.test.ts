import { approvalButton, type ReplyPart } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { createLlamaProvider, type LlamaProvider } from '@switchboard/provider-llama';
import { testModel } from '@switchboard/testkit/models';
import { defineTool, ToolRegistry } from '@switchboard/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AgentHarness, startAgentHarness } from '../test-harness';

type Approval = Extract<ReplyPart, { type: 'approval-request' }>;

describe('the tool loop with the local llama model (node-llama-cpp function calling)', () => {
  let store: Store;
  let provider: LlamaProvider;
  let harness: AgentHarness;
  const runs: unknown[] = [];

  beforeAll(async () => {
    store = await openStore({ dataDir: 'memory://' });
    // Random weights never open a call by themselves: the testing bias forces the template's
    // `<tool_call>` prefix on the first answer; node-llama-cpp's grammar writes a schema-valid call.
    provider = createLlamaProvider({
      models: [{ path: await testModel('tools') }],
      threads: 1,
      contextSize: 1024,
      parallel: 1,
      gpu: false,
      testing: { forceToolCall: true },
    });
    const note = defineTool({
      name: 'save_note',
      description: 'Save a short note.',
      input: z.object({ note: z.string().max(12) }),
      risk: 'write',
      summarize: ({ note }) => `save "${note}"`,
      run: async (input) => {
        runs.push(input);
        return { text: `saved note number ${runs.length}` };
      },
    });
    harness = startAgentHarness({
      store,
      providers: [provider],
      registry: { defaultRef: provider.models[0]?.ref ?? 'llama:missing' },
      // Only the one tool: a random-weights model forced to call would otherwise pick any of them.
      tools: {
        registry: new ToolRegistry([note]),
        workspace: '/nonexistent',
        approvalTtlMs: 60_000,
        memoryTools: false,
      },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await provider?.close();
    await store?.close();
  });

  it('calls a tool, waits for approval, runs it with the approved arguments and answers after the result', {
    timeout: 120_000,
  }, async () => {
    const where = { channel: 'llama-tools' };
    const answer = harness.say('/ask save a note about the weather', where);
    const approval = (await Promise.race([
      harness.waitForPart((part) => part.type === 'approval-request', 60_000),
      answer.then((parts) => {
        throw new Error(`answered without asking: ${JSON.stringify(parts)}`);
      }),
    ])) as Approval;
    expect(approval.summary).toMatch(/^save_note: save ".{0,12}"/);
    expect(approval.choices).toEqual(['approve', 'allow-conversation', 'deny']);
    expect(runs).toEqual([]);
    const pressed = await harness.press(
      approvalButton({ approvalId: approval.approvalId, choice: 'allow-conversation' }),
    );
    expect(pressed.at(-1)).toMatchObject({ type: 'reply-end' });
    const parts = await answer;
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end' });
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(runs[0])).toBe(
      JSON.stringify({ note: approval.summary.match(/save "(.*)"/)?.[1] }),
    );

    const [task] = await store.listTasks(`telegram:bot:${where.channel}:-`, 1);
    expect(task?.status).toBe('succeeded');
    const events = await store.listTaskEvents(task?.id ?? '');
    const types = events.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['tool-call', 'approval-requested', 'approval-decided']));
    expect(events.find((event) => event.type === 'tool-result')?.data).toMatchObject({
      tool: 'save_note',
      failed: false,
      preview: 'saved note number 1',
    });
    expect(types.filter((type) => type === 'tool-result')).toHaveLength(1);
    // The forced first answer was only the call: the text is the second model call's, after the result.
    const end = parts.at(-1);
    expect(end?.type === 'reply-end' && end.text.length > 0).toBe(true);
  });
});
