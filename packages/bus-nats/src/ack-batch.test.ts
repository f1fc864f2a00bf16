import type { JsMsg } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { AckBatch } from './ack-batch';

/** A delivery that only records when it was acked (the batch calls nothing else). */
function delivery(acked: number[], seq: number): JsMsg {
  return { seq, ack: () => acked.push(seq) } as unknown as JsMsg;
}

describe('acks sent in batches', () => {
  it('holds acks for a moment and then sends them together, in the order they came', async () => {
    const acked: number[] = [];
    const batch = new AckBatch(20);
    batch.add(delivery(acked, 1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    batch.add(delivery(acked, 2));
    expect(acked).toEqual([]);
    expect(batch.waiting).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(acked).toEqual([1, 2]);
    expect(batch.waiting).toBe(0);
  });

  it('sends what waits at once when flushed (the subscription stops or settles)', () => {
    const acked: number[] = [];
    const batch = new AckBatch(60_000);
    batch.add(delivery(acked, 7));
    batch.add(delivery(acked, 8));
    batch.flush();
    expect(acked).toEqual([7, 8]);
    batch.flush();
    expect(acked).toEqual([7, 8]);
  });
});
