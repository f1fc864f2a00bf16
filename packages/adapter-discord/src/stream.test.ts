import type { ReplyPart } from '@switchboard/core';
import type { FakeDiscord, FakeInteraction, StoredMessage } from '@switchboard/testkit/fake-discord';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../test/harness';

const ORIGINAL = 'PATCH /webhooks/:app/:token/messages/@original';
const CHANNEL_POST = 'POST /channels/:id/messages';

const readable = (messages: readonly StoredMessage[]) => messages.map((message) => message.object.content);
const callsFor = (fake: FakeDiscord, interaction: FakeInteraction) =>
  fake.calls.filter((call) => call.interactionId === interaction.id);

/** Yields parts with a pause between them, like a model streaming. */
async function* paced(parts: readonly ReplyPart[], gapMs: number): AsyncIterable<ReplyPart> {
  for (const part of parts) {
    await new Promise((resolve) => setTimeout(resolve, gapMs));
    yield part;
  }
}

const deltas = (text: string, size: number): ReplyPart[] => {
  const parts: ReplyPart[] = [];
  for (let index = 0; index < text.length; index += size)
    parts.push({ type: 'text-delta', delta: text.slice(index, index + size) });
  return parts;
};

describe('Discord replies', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('defers a slash command once the box took it, and streams the answer by editing the original', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const interaction = fake.slashCommand('ask', { prompt: 'hello there' });
    const event = await harness.nextEvent();
    await expect.poll(() => interaction.responses.length).toBe(1);
    const defer = interaction.responses[0];
    expect(defer?.type).toBe(5);
    expect((defer?.at ?? Number.POSITIVE_INFINITY) - interaction.createdAtReal).toBeLessThan(3000);
    expect(event).toMatchObject({
      id: `discord:${interaction.id}`,
      kind: 'command',
      command: { name: 'ask', args: 'hello there' },
      text: '/ask hello there',
      author: { platformUserId: fake.world.alice.id, displayName: 'Alice' },
      conversation: {
        platform: 'discord',
        account: fake.world.guildId,
        channel: fake.world.channelId,
        direct: false,
      },
    });

    const answer = 'Streaming into Discord, one edit at a time, until the whole answer is there.';
    const parts: ReplyPart[] = [
      { type: 'status', text: 'thinking on openai:fake…' },
      ...deltas(answer, 8),
      {
        type: 'reply-end',
        text: answer,
        meta: { model: 'openai:fake', usage: { inputTokens: 12, outputTokens: 34 }, costUsd: 0.0004 },
      },
    ];
    await harness.reply(event, paced(parts, 40));

    const edits = fake.calls.filter(
      (call) => call.route === ORIGINAL && call.interactionId === interaction.id,
    );
    expect(edits.length).toBeGreaterThanOrEqual(3);
    expect(edits.every((call) => call.status === 200)).toBe(true);
    const original = fake.transcript(interaction)[0];
    expect(original?.object.content).toBe(answer);
    expect(original?.object.embeds).toEqual([
      expect.objectContaining({ footer: { text: expect.stringContaining('openai:fake') } }),
    ]);
    expect(JSON.stringify(original?.object.embeds)).toContain('46 tokens');
    expect(interaction.responses).toHaveLength(1);
    expect(interaction.duplicateResponses).toHaveLength(0);
    expect(fake.calls.some((call) => call.status === 429)).toBe(false);
  });

  it('delivers a 5,000-character answer complete across follow-ups, each within 2,000 characters', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const interaction = fake.slashCommand('ask', { prompt: 'a long one' });
    const event = await harness.nextEvent();
    const paragraphs = Array.from({ length: 50 }, (_, index) =>
      `Paragraph ${index}: ${'lorem ipsum '.repeat(7)}`.trim(),
    );
    const answer = paragraphs.join('\n');
    expect(answer.length).toBeGreaterThan(4000);
    await harness.reply(event, [...deltas(answer, 500), { type: 'reply-end', text: answer, meta: {} }]);

    const messages = fake.transcript(interaction);
    expect(messages.length).toBeGreaterThanOrEqual(3);
    expect(messages.map((message) => message.via)).toEqual([
      'original',
      ...messages.slice(1).map(() => 'followup'),
    ]);
    for (const message of messages) expect(message.object.content.length).toBeLessThanOrEqual(2000);
    expect(readable(messages).join('')).toBe(answer);
    expect(fake.calls.filter((call) => call.status === 400)).toEqual([]);
  });

  it('keeps every message from pinging anyone, even when the model writes @everyone', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const interaction = fake.slashCommand('ask', { prompt: 'ping' });
    const event = await harness.nextEvent();
    const answer = 'Hey @everyone and @here, and <@&123456789012345678> and <@123456789012345678>!';
    await harness.reply(event, [
      { type: 'text-delta', delta: answer },
      { type: 'reply-end', text: answer, meta: {} },
    ]);

    const sends = callsFor(fake, interaction).filter(
      (call) => call.route !== 'POST /interactions/:id/:token/callback',
    );
    expect(sends.length).toBeGreaterThan(0);
    for (const call of sends)
      expect((call.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
    const original = fake.transcript(interaction)[0]?.object;
    expect(original?.content).toBe(answer);
    expect(original?.mention_everyone).toBe(false);
    expect(original?.mention_roles).toEqual([]);
    expect(original?.mentions).toEqual([]);
  });

  it('continues in channel messages once the 15-minute interaction token is about to expire', async () => {
    let offset = 0;
    const now = () => Date.now() + offset;
    harness = await startHarness({ fake: { now }, adapter: { now } });
    const { fake } = harness;
    const interaction = fake.slashCommand('ask', { prompt: 'a slow task' });
    const event = await harness.nextEvent();
    const first = 'First part, written quickly. ';
    const rest = 'Second part, written sixteen minutes later, after the token died.';
    async function* slow(): AsyncIterable<ReplyPart> {
      yield { type: 'text-delta', delta: first };
      await fake.waitFor(
        (call) => call.route === ORIGINAL && call.interactionId === interaction.id && call.status === 200,
      );
      offset += 16 * 60_000;
      yield { type: 'text-delta', delta: rest };
      yield { type: 'reply-end', text: first + rest, meta: { model: 'openai:fake' } };
    }
    await harness.reply(event, slow());

    const messages = fake.transcript(interaction);
    expect(messages[0]?.via).toBe('original');
    expect(messages.slice(1).map((message) => message.via)).toEqual(['channel']);
    expect(readable(messages)).toEqual([first.trim(), rest]);
    const afterExpiry = fake.calls.filter(
      (call) => call.interactionId === interaction.id && call.status === 401,
    );
    expect(afterExpiry).toEqual([]);
    const channelPost = fake.calls.find((call) => call.route === CHANNEL_POST);
    expect(channelPost?.authorization).toBe(`Bot ${fake.token}`);
    expect(channelPost?.body).toMatchObject({ allowed_mentions: { parse: [] } });
  });

  it('recovers when the token is refused early: the rest of the answer still arrives in the channel', async () => {
    let offset = 0;
    const fakeNow = () => Date.now() + offset;
    harness = await startHarness({ fake: { now: fakeNow } });
    const { fake } = harness;
    const interaction = fake.slashCommand('ask', { prompt: 'token dies under us' });
    const event = await harness.nextEvent();
    async function* parts(): AsyncIterable<ReplyPart> {
      yield { type: 'text-delta', delta: 'Before. ' };
      await fake.waitFor((call) => call.route === ORIGINAL && call.status === 200);
      offset += 16 * 60_000;
      yield { type: 'text-delta', delta: 'After.' };
      yield { type: 'reply-end', text: 'Before. After.', meta: {} };
    }
    await harness.reply(event, parts());
    const messages = fake.transcript(interaction);
    expect(readable(messages)).toEqual(['Before.', 'After.']);
    expect(messages.at(-1)?.via).toBe('channel');
  });

  it('shows an error part as a sentence in the reply', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const interaction = fake.slashCommand('ask', { prompt: 'fail please' });
    const event = await harness.nextEvent();
    await harness.reply(event, [
      { type: 'status', text: 'thinking…' },
      { type: 'error', code: 'model_failed', message: 'The model is down; try again later.' },
    ]);
    expect(fake.transcript(interaction)[0]?.object.content).toBe('⚠️ The model is down; try again later.');
  });

  it('paces edits by the rate-limit headers and never runs into a 429', async () => {
    harness = await startHarness({ fake: { rateLimit: { limit: 5, windowMs: 2000 } } });
    const { fake } = harness;
    fake.slashCommand('ask', { prompt: 'many edits' });
    const event = await harness.nextEvent();
    const answer = 'x'.repeat(400);
    const started = Date.now();
    await harness.reply(
      event,
      paced([...deltas(answer, 10), { type: 'reply-end', text: answer, meta: {} }], 25),
    );
    const edits = fake.calls.filter((call) => call.route === ORIGINAL);
    expect(fake.calls.filter((call) => call.status === 429)).toEqual([]);
    expect(edits.length).toBeGreaterThanOrEqual(3);
    const elapsed = Date.now() - started;
    // 5 per 2 s: never more edits than the buckets that elapsed allow.
    expect(edits.length).toBeLessThanOrEqual(5 * Math.ceil(elapsed / 2000) + 1);
    expect(
      fake.transcript(fake.interactions.values().next().value as FakeInteraction)[0]?.object.content,
    ).toBe(answer);
  });
});

describe('Discord replies near the token deadline', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('never leaves the status line in the original when the safety margin starts before any text', async () => {
    let offset = 0;
    const now = () => Date.now() + offset;
    harness = await startHarness({ fake: { now }, adapter: { now } });
    const { fake } = harness;
    const interaction = fake.slashCommand('ask', { prompt: 'think hard' });
    const event = await harness.nextEvent();
    async function* parts(): AsyncIterable<ReplyPart> {
      yield { type: 'status', text: 'thinking on openai:fake…' };
      await fake.waitFor((call) => call.route === ORIGINAL && call.interactionId === interaction.id);
      offset += 14.5 * 60_000;
      yield { type: 'text-delta', delta: 'Here is the answer.' };
      yield { type: 'reply-end', text: 'Here is the answer.', meta: {} };
    }
    await harness.reply(event, parts());
    const transcript = readable(fake.transcript(interaction));
    // The token still works for a last edit: the original shows the answer, or (when a streaming edit
    // met the margin first) a note pointing to the answer posted in the channel — never the status line.
    expect([['Here is the answer.'], ['_(see the answer below)_', 'Here is the answer.']]).toContainEqual(
      transcript,
    );
    expect(fake.calls.filter((call) => call.status === 401)).toEqual([]);
  });
});
