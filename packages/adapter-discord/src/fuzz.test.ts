import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../test/harness';

const EVENT_TYPES = [
  'INTERACTION_CREATE',
  'MESSAGE_CREATE',
  'MESSAGE_UPDATE',
  'GUILD_CREATE',
  'CHANNEL_CREATE',
  'TYPING_START',
  'RESUMED',
  'NOT_A_REAL_EVENT',
];

/** A valid payload of each kind, for mutation. */
function validPayloads(harness: Harness): Record<string, unknown>[] {
  const { world, applicationId, botUser } = harness.fake;
  const member = {
    user: world.alice,
    roles: [],
    permissions: '2048',
    joined_at: '2024-01-01T00:00:00Z',
    deaf: false,
    mute: false,
    flags: 0,
  };
  const base = {
    id: '1300000000000000001',
    application_id: applicationId,
    token: 'itok-unknown',
    version: 1,
    channel_id: world.channelId,
    guild_id: world.guildId,
    member,
    locale: 'en-US',
  };
  return [
    {
      ...base,
      type: 2,
      data: {
        id: '1300000000000000002',
        name: 'ask',
        type: 1,
        options: [{ name: 'prompt', type: 3, value: 'hi' }],
      },
    },
    {
      ...base,
      type: 3,
      data: { custom_id: `sb:approval:${world.alice.id}:x:approve`, component_type: 2 },
      message: { id: '1300000000000000003', content: 'x' },
    },
    {
      ...base,
      type: 4,
      data: {
        id: '1300000000000000002',
        name: 'model',
        type: 1,
        options: [{ name: 'name', type: 3, value: 'o', focused: true }],
      },
    },
    {
      id: '1300000000000000004',
      channel_id: world.channelId,
      guild_id: world.guildId,
      author: world.bob,
      member: { roles: [] },
      content: `<@${botUser.id}> hello`,
      mentions: [botUser],
      timestamp: '2024-01-01T00:00:00Z',
    },
  ];
}

/** Replace the value at a (possibly nested) key with something arbitrary. */
function mutate(payload: Record<string, unknown>, path: readonly string[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  const inner = payload[head];
  return {
    ...payload,
    [head]:
      rest.length === 0 || typeof inner !== 'object' || inner === null
        ? value
        : mutate(inner as Record<string, unknown>, rest, value),
  };
}

const PATHS = [
  ['id'],
  ['type'],
  ['token'],
  ['data'],
  ['data', 'name'],
  ['data', 'options'],
  ['data', 'custom_id'],
  ['data', 'component_type'],
  ['member'],
  ['member', 'user'],
  ['member', 'roles'],
  ['member', 'permissions'],
  ['user'],
  ['guild_id'],
  ['channel_id'],
  ['message'],
  ['author'],
  ['content'],
  ['mentions'],
  ['application_id'],
] as const;

describe('Discord ingress under malformed dispatches', () => {
  let harness: Harness;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    harness = await startHarness({
      fake: { heartbeatIntervalMs: 500, rateLimit: { limit: 1000, windowMs: 1000 } },
    });
  });
  afterAll(async () => {
    await harness?.close();
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  });

  it('survives 1,000 malformed dispatches without a crash or an unhandled rejection, then still answers', {
    timeout: 60_000,
  }, async () => {
    const { fake } = harness;
    const valid = validPayloads(harness);
    const arbitraryPayload = fc.oneof(
      fc.anything(),
      fc
        .record({ base: fc.constantFrom(...valid), path: fc.constantFrom(...PATHS), value: fc.anything() })
        .map(({ base, path, value }) => mutate(base, path, value)),
    );
    const dispatch = fc.record({ t: fc.constantFrom(...EVENT_TYPES), d: arbitraryPayload });
    const samples = fc.sample(dispatch, { numRuns: 1000, seed: Number(process.env['FUZZ_SEED'] ?? 4242) });
    for (const [index, sample] of samples.entries()) {
      fake.dispatch(sample.t, sample.d);
      if (index % 100 === 99) fake.gateway.sendRaw('{not json');
      if (index % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const before = harness.events.length;
    const interaction = fake.slashCommand('ask', { prompt: 'still there?' });
    await expect
      .poll(() => harness.events.some((event) => event.id === `discord:${interaction.id}`), {
        timeout: 10_000,
      })
      .toBe(true);
    expect(interaction.responses.map((response) => response.type)).toEqual([5]);
    expect(harness.events.length).toBeGreaterThan(before);
    expect(fake.gateway.identifies).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(unhandled).toEqual([]);
  });
});
