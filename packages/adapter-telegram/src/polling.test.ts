import { COMMANDS } from '@switchboard/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../test/harness';
import { draftIdFor } from './normalize';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('the Telegram adapter, long polling through telegraf', () => {
  it('connects (getMe, deleteWebhook), registers the command menu, and turns a private message into an event', async () => {
    harness = await startHarness();
    const { fake } = harness;
    expect(fake.calls.slice(0, 2).map((call) => call.method)).toEqual(['getMe', 'deleteWebhook']);
    await fake.waitFor('setMyCommands');
    expect(fake.commands).toEqual(
      COMMANDS.map((command) => ({ command: command.name, description: command.description })),
    );
    expect(harness.adapter.identity).toEqual({ id: fake.bot.id, username: fake.bot.username });

    const alice = fake.user(42, 'Alice');
    const arriving = harness.nextEvent();
    const update = fake.sendText({ from: alice, text: '/ask what time is it?' });
    const event = await arriving;
    expect(event).toMatchObject({
      id: `telegram:${fake.bot.id}:${update.update_id}`,
      kind: 'command',
      command: { name: 'ask', args: 'what time is it?' },
      conversation: { platform: 'telegram', channel: '42', direct: true },
    });
    // Acknowledged at once with the "Thinking…" draft the answer will stream into.
    const draft = await fake.waitFor('sendMessageDraft');
    expect(draft.params).toMatchObject({ chat_id: 42, draft_id: draftIdFor(update.update_id), text: '' });
    // Confirmed by the next getUpdates, once the sink had it.
    await fake.waitFor(
      (call) => call.method === 'getUpdates' && Number(call.params['offset']) === update.update_id + 1,
      5000,
    );
    expect(fake.confirmedOffset).toBe(update.update_id + 1);
  });

  it('confirms an update only once the bus has it: busy and failures leave it at Telegram, to come again with the same id', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const verdicts = ['busy', 'throw', 'accepted'];
    harness.verdict = () => {
      const next = verdicts.shift() ?? 'accepted';
      if (next === 'throw') throw new Error('bus unavailable');
      return next === 'busy' ? { status: 'busy', retryAfterMs: 200 } : { status: 'accepted' };
    };
    const first = harness.nextEvent();
    const update = fake.sendText({ from: fake.user(7), text: 'hello' });
    await first;
    expect(fake.confirmedOffset).toBeLessThanOrEqual(update.update_id);
    const second = await harness.nextEvent();
    expect(fake.confirmedOffset).toBeLessThanOrEqual(update.update_id);
    const third = await harness.nextEvent(undefined, 8000);
    expect(new Set([second.id, third.id, harness.events[0]?.id]).size).toBe(1);
    await fake.waitFor(
      (call) => call.method === 'getUpdates' && Number(call.params['offset']) === update.update_id + 1,
      5000,
    );
    expect(harness.events).toHaveLength(3);
  });

  it('ignores group chatter without calling the sink, and still confirms it', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const group = fake.group(-100200, 'Team');
    const chatter = fake.sendText({ from: fake.user(8), chat: group, text: 'lunch?' });
    const addressed = harness.nextEvent();
    const second = fake.sendText({
      from: fake.user(8),
      chat: group,
      text: `@${fake.bot.username} what is lunch in French?`,
    });
    const event = await addressed;
    await fake.waitFor(
      (call) => call.method === 'getUpdates' && Number(call.params['offset']) === second.update_id + 1,
    );
    expect(event.command).toEqual({ name: 'ask', args: 'what is lunch in French?' });
    expect(harness.events).toHaveLength(1);
    expect(fake.confirmedOffset).toBeGreaterThan(chatter.update_id);
    expect(fake.callsTo('sendMessage', group.id)).toHaveLength(0);
  });

  it('stops cleanly: the held poll is aborted and what the bus has is confirmed', async () => {
    harness = await startHarness();
    const { fake } = harness;
    const arriving = harness.nextEvent();
    const update = fake.sendText({ from: fake.user(9), text: 'hi' });
    await arriving;
    const started = performance.now();
    await harness.adapter.stop();
    expect(performance.now() - started).toBeLessThan(3000);
    expect(fake.confirmedOffset).toBe(update.update_id + 1);
    const polls = fake.callsTo('getUpdates').length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.callsTo('getUpdates')).toHaveLength(polls);
  });

  it('survives 1,000 malformed updates without a crash or an unhandled rejection, then still works', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      harness = await startHarness();
      const { fake } = harness;
      const junk = fc.sample(
        fc.oneof(
          fc.dictionary(fc.string(), fc.anything()),
          fc.record(
            {
              message: fc.oneof(
                fc.anything(),
                fc.record(
                  {
                    message_id: fc.anything(),
                    from: fc.oneof(
                      fc.anything(),
                      fc.record({ id: fc.oneof(fc.integer(), fc.string()), is_bot: fc.anything() }),
                    ),
                    chat: fc.oneof(
                      fc.anything(),
                      fc.record({
                        id: fc.oneof(fc.integer(), fc.double()),
                        type: fc.constantFrom('private', 'group', 'supergroup', 'channel', ''),
                      }),
                    ),
                    text: fc.oneof(fc.string({ maxLength: 5000 }), fc.anything()),
                    entities: fc.oneof(
                      fc.anything(),
                      fc.array(
                        fc.record({
                          type: fc.constantFrom('bot_command', 'mention', 'text_mention'),
                          offset: fc.integer(),
                          length: fc.integer(),
                        }),
                      ),
                    ),
                  },
                  { requiredKeys: [] },
                ),
              ),
              callback_query: fc.oneof(
                fc.anything(),
                fc.record(
                  { id: fc.anything(), data: fc.anything(), from: fc.anything(), message: fc.anything() },
                  { requiredKeys: [] },
                ),
              ),
              edited_message: fc.anything(),
            },
            { requiredKeys: [] },
          ),
        ),
        { numRuns: 1000, seed: 20250806 },
      );
      let last = 0;
      for (const update of junk) last = fake.push(update as Record<string, unknown>);
      await fake.waitFor(
        (call) => call.method === 'getUpdates' && Number(call.params['offset']) > last,
        20_000,
      );
      const alive = harness.nextEvent((event) => event.text === 'still there?');
      fake.sendText({ from: fake.user(10), text: 'still there?' });
      await alive;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  }, 30_000);
});
