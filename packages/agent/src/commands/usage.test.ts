import { randomUUID } from 'node:crypto';
import { type ConversationRef, conversationKey, type PriceTable, type ReplyPart } from '@switchboard/core';
import { openStore, type Store } from '@switchboard/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHarness, idleProvider, startAgentHarness } from '../test-harness';
import { utcPeriods } from './usage';

const prices: PriceTable = new Map([
  ['openai:gpt-4o-mini', { inputPerMillionUsd: 0.15, outputPerMillionUsd: 0.6 }],
  ['anthropic:claude-haiku-4-5', { inputPerMillionUsd: 1, outputPerMillionUsd: 5 }],
]);
/** The moment the agent believes it is: mid-May 2031, so no other test's tasks fall into its periods. */
const NOW = Date.parse('2031-05-15T10:30:00.000Z');
const at = (iso: string) => new Date(iso);

/** One figure after `label` in a line such as `Total: 3 tasks, 1,200 tokens, $0.1234`. */
function figures(line: string | undefined): { tasks: number; tokens: number; usd: number | undefined } {
  const match =
    /([\d,]+) tasks?, ([\d,]+) tokens?(?: \([^)]*\))?, (?:\$([\d.]+)|free \(local\)|price unknown)/.exec(
      line ?? '',
    );
  if (!match) throw new Error(`no figures in ${JSON.stringify(line)}`);
  const number = (text: string | undefined) => Number((text ?? '').replaceAll(',', ''));
  return {
    tasks: number(match[1]),
    tokens: number(match[2]),
    usd: match[3] === undefined ? undefined : Number(match[3]),
  };
}

describe('/usage', () => {
  let store: Store;
  let harness: AgentHarness;

  /** A finished task created at `createdAt`. */
  async function task(
    createdAt: Date,
    patch: { model?: string; inputTokens: number; outputTokens: number; costUsd: number },
    authorId = 'telegram:1',
  ) {
    const conversation: ConversationRef = {
      platform: 'telegram',
      account: 'bot',
      channel: `usage-${randomUUID()}`,
      direct: true,
    };
    const { task: created } = await store.beginTask({
      id: randomUUID(),
      eventId: `seed:${randomUUID()}`,
      conversationKey: conversationKey(conversation),
      authorId,
      command: 'ask',
      createdAt,
    });
    await store.updateTask(created.id, { status: 'succeeded', ...patch });
  }

  const say = (text: string, user = '1'): Promise<ReplyPart[]> =>
    harness.say(text, { channel: 'usage-chat' }, user);

  beforeAll(async () => {
    store = await openStore({ dataDir: 'memory://' });
    harness = startAgentHarness({
      store,
      providers: [
        idleProvider('llama', 'local', ['qwen']),
        idleProvider('openai', 'cloud', ['gpt-4o-mini', 'mystery']),
      ],
      prices,
      now: () => NOW,
    });

    // Today (2031-05-15 UTC): from 00:00 inclusive.
    await task(at('2031-05-15T00:00:00.000Z'), {
      model: 'openai:gpt-4o-mini',
      inputTokens: 1000,
      outputTokens: 500,
      costUsd: 0.25,
    });
    await task(at('2031-05-15T09:00:00.000Z'), {
      model: 'openai:gpt-4o-mini',
      inputTokens: 200,
      outputTokens: 100,
      costUsd: 0.125,
    });
    await task(
      at('2031-05-15T10:00:00.000Z'),
      { model: 'anthropic:claude-haiku-4-5', inputTokens: 300, outputTokens: 50, costUsd: 0.5 },
      'telegram:2',
    );
    await task(at('2031-05-15T10:10:00.000Z'), {
      model: 'llama:qwen',
      inputTokens: 400,
      outputTokens: 100,
      costUsd: 0,
    });
    await task(at('2031-05-15T10:20:00.000Z'), {
      model: 'openai:mystery',
      inputTokens: 10,
      outputTokens: 5,
      costUsd: 0,
    });
    await task(at('2031-05-15T10:25:00.000Z'), { inputTokens: 0, outputTokens: 0, costUsd: 0 });
    // Earlier this month: yesterday's last millisecond and the month's first.
    await task(at('2031-05-14T23:59:59.999Z'), {
      model: 'openai:gpt-4o-mini',
      inputTokens: 2000,
      outputTokens: 1000,
      costUsd: 1.625,
    });
    await task(at('2031-05-01T00:00:00.000Z'), {
      model: 'llama:qwen',
      inputTokens: 100,
      outputTokens: 100,
      costUsd: 0,
    });
    // Outside both periods: the previous month's last millisecond and the next month's first.
    await task(at('2031-04-30T23:59:59.999Z'), {
      model: 'openai:gpt-4o-mini',
      inputTokens: 9999,
      outputTokens: 9999,
      costUsd: 40,
    });
    await task(
      at('2031-06-01T00:00:00.000Z'),
      { model: 'openai:gpt-4o-mini', inputTokens: 9999, outputTokens: 9999, costUsd: 80 },
      'telegram:3',
    );
  });
  afterAll(async () => {
    await harness.close();
    await store.close();
  });

  it('computes UTC day and month windows', () => {
    expect(utcPeriods(NOW)).toEqual({
      day: { since: at('2031-05-15T00:00:00.000Z'), until: at('2031-05-16T00:00:00.000Z') },
      month: { since: at('2031-05-01T00:00:00.000Z'), until: at('2031-06-01T00:00:00.000Z') },
    });
    expect(utcPeriods(Date.parse('2031-12-31T23:59:59.999Z')).month.until).toEqual(
      at('2032-01-01T00:00:00.000Z'),
    );
  });

  it('totals today and this month equal the sum of the tasks’ costs, per model and overall', async () => {
    const parts = await say('/usage');
    expect(parts).toHaveLength(1);
    const end = parts[0];
    if (end?.type !== 'reply-end') throw new Error(`expected a reply, got ${JSON.stringify(end)}`);
    const [today = '', month = '', own = ''] = end.text.split('\n\n');
    const todayLines = today.split('\n');
    expect(todayLines[0]).toBe('Today (2031-05-15 UTC)');
    const line = (lines: string[], prefix: string) => lines.find((candidate) => candidate.startsWith(prefix));

    expect(figures(line(todayLines, '• openai:gpt-4o-mini:'))).toEqual({
      tasks: 2,
      tokens: 1800,
      usd: 0.375,
    });
    expect(figures(line(todayLines, '• anthropic:claude-haiku-4-5:'))).toEqual({
      tasks: 1,
      tokens: 350,
      usd: 0.5,
    });
    expect(line(todayLines, '• llama:qwen:')).toMatch(
      /1 task, 500 tokens \(400 in \/ 100 out\), free \(local\)$/,
    );
    expect(line(todayLines, '• openai:mystery:')).toMatch(/, price unknown$/);
    const todayTotal = figures(line(todayLines, 'Total:'));
    expect(todayTotal).toEqual({ tasks: 5, tokens: 2665, usd: 0.875 });
    expect(line(todayLines, 'Total:')).toContain('+ price unknown for openai:mystery');
    const perModel = todayLines
      .filter((candidate) => candidate.startsWith('• '))
      .map((candidate) => figures(candidate).usd ?? 0);
    expect(perModel.reduce((sum, usd) => sum + usd, 0)).toBeCloseTo(todayTotal.usd ?? -1, 10);
    expect(line(todayLines, 'Served locally:')).toBe(
      'Served locally: 1 of 5 tasks (20%), 500 of 2,665 tokens (19%)',
    );

    const monthLines = month.split('\n');
    expect(monthLines[0]).toBe('This month (May 2031 UTC)');
    expect(figures(line(monthLines, '• openai:gpt-4o-mini:'))).toEqual({ tasks: 3, tokens: 4800, usd: 2 });
    expect(figures(line(monthLines, '• llama:qwen:'))).toMatchObject({ tasks: 2, tokens: 700 });
    expect(figures(line(monthLines, 'Total:'))).toEqual({ tasks: 7, tokens: 5865, usd: 2.5 });
    expect(line(monthLines, 'Served locally:')).toBe(
      'Served locally: 2 of 7 tasks (29%), 700 of 5,865 tokens (12%)',
    );

    expect(own).toBe('Your cloud spend today: $0.3750');
  });

  it('shows each asker their own cloud spend', async () => {
    const end = (await say('/usage', '2')).at(-1);
    expect(end?.type === 'reply-end' && end.text.split('\n').at(-1)).toBe('Your cloud spend today: $0.5000');
  });

  it('is reachable as /ask usage on platforms with one command', async () => {
    const end = (await say('/ask usage')).at(-1);
    expect(end).toMatchObject({
      type: 'reply-end',
      text: expect.stringMatching(/^Today \(2031-05-15 UTC\)/),
    });
  });
});
