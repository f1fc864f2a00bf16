import { conversationKey, type InboundEvent } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { EventFactory, Gate, now, pause, Recorder, seededRandom } from './contract-fixtures';
import type { ContractContext } from './contract-suite';

/** A handler's run, from start to end. */
interface Interval {
  readonly id: string;
  readonly start: number;
  readonly end: number;
}

/** Order within a conversation, parallelism across conversations, the concurrency limit, the control lane. */
export function orderingContract(context: ContractContext): void {
  const { timeoutMs, settleMs } = context;

  describe('ordering and parallelism', () => {
    it('keeps the order of each conversation with random handler delays and two workers', async () => {
      const bus = await context.open();
      const events = new EventFactory();
      const random = seededRandom(20_240_611);
      const sent = Array.from({ length: 20 }, (_, index) =>
        events.message(`e${index}`, `c${Math.floor(random() * 3)}`),
      );
      const delays = new Map(sent.map((event) => [event.id, Math.floor(random() * 12)]));
      const active = new Map<string, number>();
      let overlapsInConversation = 0;
      const done = new Recorder<InboundEvent>(timeoutMs);
      const handle = async (event: InboundEvent) => {
        const key = conversationKey(event.conversation);
        const running = (active.get(key) ?? 0) + 1;
        active.set(key, running);
        if (running > 1) overlapsInConversation += 1;
        await pause(delays.get(event.id) ?? 0);
        active.set(key, (active.get(key) ?? 1) - 1);
        done.push(event);
      };
      bus.work(handle, { concurrency: 3 });
      bus.work(handle, { concurrency: 3 });
      for (const event of sent) expect(await bus.enqueue(event)).toEqual({ status: 'accepted' });

      await done.until((items) => items.length === sent.length, 'all 20 events');
      const byConversation = (list: readonly InboundEvent[]) => {
        const groups = new Map<string, string[]>();
        for (const event of list)
          groups.set(event.conversation.channel, [
            ...(groups.get(event.conversation.channel) ?? []),
            event.id,
          ]);
        return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)));
      };
      expect(byConversation(done.items)).toEqual(byConversation(sent));
      expect(overlapsInConversation).toBe(0);
    });

    it('runs handlers of different conversations at the same time', async () => {
      const bus = await context.open();
      const events = new EventFactory();
      const bothStarted = new Gate();
      const started = new Recorder<string>(timeoutMs);
      const intervals = new Recorder<Interval>(timeoutMs);
      bus.work(
        async (event) => {
          const start = now();
          started.push(event.id);
          if (started.items.length === 2) bothStarted.open();
          // Serial handling would make the first handler time out here, so the intervals could not overlap.
          await bothStarted.wait(timeoutMs);
          intervals.push({ id: event.id, start, end: now() });
        },
        { concurrency: 2 },
      );
      expect(await bus.enqueue(events.message('a', 'c1'))).toEqual({ status: 'accepted' });
      expect(await bus.enqueue(events.message('b', 'c2'))).toEqual({ status: 'accepted' });

      await intervals.until((items) => items.length === 2, 'both handlers to end');
      const [first, second] = intervals.items;
      expect(first && second && first.start < second.end && second.start < first.end).toBe(true);
    });

    it('never runs more handlers at once than the concurrency of the worker', async () => {
      const bus = await context.open();
      const events = new EventFactory();
      const release = new Gate();
      let active = 0;
      let mostActive = 0;
      const started = new Recorder<string>(timeoutMs);
      const finished = new Recorder<string>(timeoutMs);
      bus.work(
        async (event) => {
          active += 1;
          mostActive = Math.max(mostActive, active);
          started.push(event.id);
          await release.wait(timeoutMs);
          active -= 1;
          finished.push(event.id);
        },
        { concurrency: 2 },
      );
      for (let index = 0; index < 6; index += 1) {
        expect(await bus.enqueue(events.message(`e${index}`, `c${index}`))).toEqual({ status: 'accepted' });
      }
      await started.until((items) => items.length === 2, 'two handlers to start');
      await pause(settleMs);
      expect(started.items).toHaveLength(2);
      release.open();
      await finished.until((items) => items.length === 6, 'all six events');
      expect(mostActive).toBe(2);
    });
  });

  describe('control lane', () => {
    it('delivers /cancel and button presses while the conversation runs a long task; plain messages wait', async () => {
      const bus = await context.open();
      const events = new EventFactory();
      const longTask = events.command('ask', 'c1', 'ask');
      const cancel = events.command('cancel', 'c1', 'cancel');
      const press = events.action('press', 'c1');
      const followUp = events.message('follow-up', 'c1');
      const controlSeen = new Gate();
      let longTaskRunning = false;
      const seen = new Recorder<{ id: string; whileLongTaskRan: boolean }>(timeoutMs);
      bus.work(
        async (event) => {
          seen.push({ id: event.id, whileLongTaskRan: longTaskRunning });
          if (event.id === longTask.id) {
            longTaskRunning = true;
            // Without a control lane, /cancel would queue behind this wait and the test would time out here.
            await controlSeen.wait(timeoutMs);
            longTaskRunning = false;
          }
          if (event.id === press.id) controlSeen.open();
        },
        { concurrency: 4 },
      );
      expect(await bus.enqueue(longTask)).toEqual({ status: 'accepted' });
      expect(await bus.enqueue(followUp)).toEqual({ status: 'accepted' });
      await seen.until((items) => items.length === 1, 'the long task to start');
      expect(await bus.enqueue(cancel)).toEqual({ status: 'accepted' });
      expect(await bus.enqueue(press)).toEqual({ status: 'accepted' });

      await seen.until((items) => items.some((item) => item.id === followUp.id), 'the follow-up message');
      expect(seen.items).toEqual([
        { id: longTask.id, whileLongTaskRan: false },
        { id: cancel.id, whileLongTaskRan: true },
        { id: press.id, whileLongTaskRan: true },
        { id: followUp.id, whileLongTaskRan: false },
      ]);
    });
  });
}
