import type { InboundEvent } from '@switchboard/core';
import type { Disruption, FakeInteraction } from '@switchboard/testkit/fake-discord';
import { afterAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../test/harness';

/** A small deterministic PRNG, so a failing run can be repeated with its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DISRUPTIONS: readonly Disruption[] = [
  { kind: 'reset' },
  { kind: 'close', code: 4000 },
  { kind: 'close', code: 4001 },
  { kind: 'close', code: 4002 },
  { kind: 'close', code: 1001 },
  { kind: 'reconnect' },
  { kind: 'missed-acks' },
];

const answerFor = (event: InboundEvent) => `Answer to ${event.command?.args ?? '?'}.`;

describe('Discord gateway chaos', () => {
  let harness: Harness | undefined;
  afterAll(() => harness?.close());

  it('answers every interaction exactly once through 50 random disconnects', {
    timeout: 90_000,
  }, async () => {
    const seed = Number(process.env['CHAOS_SEED'] ?? Date.now() % 100_000);
    const next = random(seed);
    const replies: Promise<unknown>[] = [];
    let live: Harness | undefined;
    harness = await startHarness({
      fake: { heartbeatIntervalMs: 150, rateLimit: { limit: 50, windowMs: 1000 }, replayOverlap: 2 },
      sinkResult(event) {
        replies.push(
          Promise.resolve().then(() =>
            live?.reply(event, [
              { type: 'text-delta', delta: answerFor(event) },
              { type: 'reply-end', text: answerFor(event), meta: {} },
            ]),
          ),
        );
        return { status: 'accepted' };
      },
    });
    live = harness;
    const { fake } = harness;
    const interactions: FakeInteraction[] = [];
    const started = Date.now();
    const kinds = new Map<string, number>();
    let counter = 0;
    const ask = () => interactions.push(fake.slashCommand('ask', { prompt: `question ${++counter}` }));

    for (let round = 0; round < 50; round += 1) {
      ask();
      ask();
      await new Promise((resolve) => setTimeout(resolve, 20 + next() * 120));
      const disruption = DISRUPTIONS[Math.floor(next() * DISRUPTIONS.length)] ?? { kind: 'reset' };
      kinds.set(disruption.kind, (kinds.get(disruption.kind) ?? 0) + 1);
      const closed = fake.gateway.nextClose(10_000);
      fake.disrupt(disruption);
      ask();
      await closed;
      ask();
      await fake.gateway.waitUntilConnected(10_000);
    }
    await expect
      .poll(
        () =>
          interactions.filter((interaction) =>
            fake.transcript(interaction)[0]?.object.content.startsWith('Answer'),
          ).length,
        {
          timeout: 20_000,
          interval: 100,
        },
      )
      .toBe(interactions.length);
    await Promise.all(replies);
    const elapsed = Date.now() - started;

    for (const interaction of interactions) {
      const prompt = (interaction.payload['data'] as { options: { value: string }[] }).options[0]?.value;
      expect(
        interaction.responses.map((response) => response.type),
        `interaction ${prompt} (seed ${seed})`,
      ).toEqual([5]);
      expect(interaction.duplicateResponses).toEqual([]);
      expect(fake.transcript(interaction).map((message) => message.object.content)).toEqual([
        `Answer to ${prompt}.`,
      ]);
    }
    const ids = harness.events.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(interactions.length);
    expect(fake.gateway.resumes).toBeGreaterThanOrEqual(50);
    expect(fake.gateway.identifies).toBe(1);
    expect(elapsed).toBeLessThan(75_000);
  });
});
