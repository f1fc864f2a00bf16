import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { attemptOf } from './delivery';
import { busNames } from './names';
import { resolveOptions } from './options';
import { ReleaseLedger } from './releases';
import { openReleasesBucket } from './setup';
import { natsUrl, quietLogger, reportSkip, TestBuses } from './test-support';

reportSkip('releases.test.ts');

describe.skipIf(!natsUrl)('deliveries handed back unrun', () => {
  const buses = new TestBuses();
  afterAll(() => buses.cleanup());

  it('do not count as attempts: the attempt is the delivery count less the recorded hand-backs; failed runs are told from interrupted ones', async () => {
    const prefix = buses.prefix();
    // Creating a bus sets up the stream, the consumer and the bucket; this test then drives them itself.
    const bus = await buses.open({ prefix });
    await bus.close();
    const names = busNames(prefix);
    const nc = await connect({ servers: natsUrl ?? '' });
    try {
      const ledger = new ReleaseLedger(
        await openReleasesBucket(nc, names, resolveOptions({ url: natsUrl ?? '', prefix })),
      );
      const js = jetstream(nc);
      const eventId = `web:${randomUUID()}`;
      await js.publish(names.inboundSubject('lane'), JSON.stringify({ id: eventId }), { msgID: eventId });
      const consumer = await js.consumers.get(names.inboundStream, names.workersConsumer);

      const first = await consumer.next({ expires: 5000 });
      expect(first && (await attemptOf(first, eventId, ledger, quietLogger))).toEqual({
        attempt: 1,
        failures: 0,
        interruptions: 0,
        inLedger: false,
      });
      await ledger.add(eventId);
      first?.nak();

      const second = await consumer.next({ expires: 5000 });
      expect(second?.info.deliveryCount).toBe(2);
      expect(second && (await attemptOf(second, eventId, ledger, quietLogger))).toEqual({
        attempt: 1,
        failures: 0,
        interruptions: 0,
        inLedger: true,
      });
      await ledger.addFailure(eventId);
      second?.nak();

      const third = await consumer.next({ expires: 5000 });
      expect(third && (await attemptOf(third, eventId, ledger, quietLogger))).toEqual({
        attempt: 2,
        failures: 1,
        interruptions: 0,
        inLedger: true,
      });
      // This run vanishes (no ack, no nak): the next delivery counts it as an interruption.
      third?.nak();
      const fourth = await consumer.next({ expires: 5000 });
      expect(fourth && (await attemptOf(fourth, eventId, ledger, quietLogger))).toEqual({
        attempt: 3,
        failures: 1,
        interruptions: 1,
        inLedger: true,
      });
      await fourth?.ackAck();
      await ledger.forget(eventId);
      expect(await ledger.count(eventId)).toBe(0);
    } finally {
      await nc.close();
    }
  });
});
