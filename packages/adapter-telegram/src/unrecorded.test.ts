import type { InboundEvent } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../test/harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function ask(current: Harness, text: string): Promise<InboundEvent> {
  const arriving = current.nextEvent((event) => event.text === text);
  current.fake.sendText({ from: current.fake.user(42, 'Alice'), text });
  return arriving;
}

describe('Telegram: messages a crash left unrecorded', () => {
  it('finds the final reply a dead process sent after the question, and leaves other requests’ alone', async () => {
    harness = await startHarness();
    const since = new Date();
    const first = await ask(harness, '/ask what is the answer?');
    const orphan = await harness.adapter.post(first.reply, { text: 'Forty-two.', final: true });
    const second = await ask(harness, '/ask and the question?');
    const recordedElsewhere = await harness.adapter.post(second.reply, { text: 'Unknown.', final: true });

    const found =
      (await harness.adapter.unrecorded?.({
        to: first.reply,
        known: [],
        others: [recordedElsewhere.id],
        since,
      })) ?? [];
    expect(found.map((sent) => sent.id)).toEqual([orphan.id]);

    harness.engine.open(first.id, first.reply, { sent: found });
    await harness.engine.accept(first.id, { type: 'reply-end', text: 'Forty-two.', meta: {} });
    await harness.engine.settled(first.id);
    expect(harness.fake.messages(42).map((message) => message.text)).toEqual(['Forty-two.', 'Unknown.']);
    expect(harness.fake.callsTo('sendMessage', 42).filter((call) => call.ok)).toHaveLength(2);
  });

  it('finds nothing when the outbox knows every message after the question', async () => {
    harness = await startHarness();
    const since = new Date();
    const event = await ask(harness, '/ask anything');
    const known = await harness.adapter.post(event.reply, { text: 'Something.', final: true });
    expect(
      await harness.adapter.unrecorded?.({ to: event.reply, known: [known], others: [], since }),
    ).toEqual([]);
    expect(harness.fake.messages(42).map((message) => message.reply_markup)).toEqual([undefined]);
  });
});
