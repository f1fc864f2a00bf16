import type { ControlMessage, ReplyPart } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { EventFactory, pause, Recorder, seededRandom } from './contract-fixtures';
import type { ContractContext } from './contract-suite';

/** A reply part as an owner's handler received it. */
interface Received {
  readonly requestId: string;
  readonly part: ReplyPart;
}

/** `count` text deltas and a final part, labelled with `label`. */
function replyParts(label: string, count: number): ReplyPart[] {
  const deltas = Array.from(
    { length: count },
    (_, index): ReplyPart => ({ type: 'text-delta', delta: `${label}-${index} ` }),
  );
  return [
    { type: 'status', text: `thinking on ${label}` },
    ...deltas,
    { type: 'reply-end', text: label, meta: {} },
  ];
}

/** Reply parts to their owner, in order, and control messages to every listener. */
export function messagingContract(context: ContractContext): void {
  const { timeoutMs } = context;

  describe('replies', () => {
    it('delivers each request’s parts in publish order, one at a time, to its owner only', async () => {
      const bus = await context.open();
      const names = new EventFactory();
      const [gatewayA, gatewayB] = [names.name('gateway-a'), names.name('gateway-b')];
      const requests = [
        { id: names.name('r1'), owner: gatewayA, parts: replyParts('r1', 6) },
        { id: names.name('r2'), owner: gatewayA, parts: replyParts('r2', 4) },
        { id: names.name('r3'), owner: gatewayB, parts: replyParts('r3', 3) },
      ];
      const random = seededRandom(7);
      const inFlight = new Map<string, number>();
      let overlapsInRequest = 0;
      const receivedA = new Recorder<Received>(timeoutMs);
      const receivedB = new Recorder<Received>(timeoutMs);
      bus.onReplies(gatewayA, async (requestId, part) => {
        const running = (inFlight.get(requestId) ?? 0) + 1;
        inFlight.set(requestId, running);
        if (running > 1) overlapsInRequest += 1;
        await pause(Math.floor(random() * 4));
        inFlight.set(requestId, running - 1);
        receivedA.push({ requestId, part });
      });
      bus.onReplies(gatewayB, async (requestId, part) => {
        receivedB.push({ requestId, part });
      });

      // Publish interleaved across requests without waiting, as concurrent workers would.
      const publishes: Promise<void>[] = [];
      const longest = Math.max(...requests.map((request) => request.parts.length));
      for (let index = 0; index < longest; index += 1) {
        for (const request of requests) {
          const part = request.parts[index];
          if (part !== undefined) publishes.push(bus.publishReply(request.id, request.owner, part));
        }
      }
      await Promise.all(publishes);

      await receivedA.until((items) => items.length === 14, 'the 14 parts of gateway A');
      await receivedB.until((items) => items.length === 5, 'the 5 parts of gateway B');
      const partsOf = (items: readonly Received[], requestId: string) =>
        items.filter((item) => item.requestId === requestId).map((item) => item.part);
      const [r1, r2, r3] = requests;
      expect(partsOf(receivedA.items, r1?.id ?? '')).toEqual(r1?.parts);
      expect(partsOf(receivedA.items, r2?.id ?? '')).toEqual(r2?.parts);
      expect(partsOf(receivedB.items, r3?.id ?? '')).toEqual(r3?.parts);
      expect(receivedA.items.some((item) => item.requestId === r3?.id)).toBe(false);
      expect(receivedB.items).toHaveLength(5);
      expect(overlapsInRequest).toBe(0);
    });
  });

  describe('control', () => {
    it('broadcasts control messages to every listener until it unsubscribes', async () => {
      const bus = await context.open();
      const names = new EventFactory();
      const first = new Recorder<ControlMessage>(timeoutMs);
      const second = new Recorder<ControlMessage>(timeoutMs);
      bus.onControl((message) => first.push(message));
      const stopSecond = bus.onControl((message) => second.push(message));

      const cancel: ControlMessage = { type: 'cancel', taskId: names.name('task'), by: 'telegram:42' };
      await bus.publishControl(cancel);
      await first.until((items) => items.length === 1, 'the cancel at the first listener');
      await second.until((items) => items.length === 1, 'the cancel at the second listener');
      expect(first.items).toEqual([cancel]);
      expect(second.items).toEqual([cancel]);

      stopSecond();
      const decided: ControlMessage = {
        type: 'approval-decided',
        approvalId: names.name('approval'),
        choice: 'approve',
        by: 'slack:U1',
      };
      await bus.publishControl(decided);
      await first.until((items) => items.length === 2, 'the decision at the first listener');
      expect(first.items).toEqual([cancel, decided]);
      expect(second.items).toEqual([cancel]);
    });

    it('carries every kind of control message: cancel, abandon and approval-decided', async () => {
      const bus = await context.open();
      const names = new EventFactory();
      const heard = new Recorder<ControlMessage>(timeoutMs);
      bus.onControl((message) => heard.push(message));
      const messages: ControlMessage[] = [
        { type: 'cancel', taskId: names.name('task'), by: 'web:owner' },
        {
          type: 'abandon',
          eventId: names.name('event'),
          conversationKey: names.name('conversation'),
          by: 'web:owner',
        },
        { type: 'approval-decided', approvalId: names.name('approval'), choice: 'deny', by: 'web:owner' },
      ];
      for (const message of messages) await bus.publishControl(message);
      await heard.until((items) => items.length === messages.length, 'every control message');
      expect(heard.items).toEqual(messages);
    });
  });
}
