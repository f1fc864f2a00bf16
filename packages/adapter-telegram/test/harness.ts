/**
 * Test support, imported only by the package's tests (kept outside src/ so the adapter stays a leaf).
 */
import { createDeliveryEngine, type DeliveryEngine } from '@switchboard/chat';
import type { EventSink, InboundEvent, ReplyPart, SinkResult } from '@switchboard/core';
import {
  type FakeTelegram,
  type FakeTelegramOptions,
  startFakeTelegram,
} from '@switchboard/testkit/fake-telegram';
import { createTelegramAdapter, type TelegramAdapter, type TelegramAdapterOptions } from '../src/adapter';

/** The adapter, started against a fake Bot API, with a recording sink and a real delivery engine. */
export interface Harness {
  readonly fake: FakeTelegram;
  readonly adapter: TelegramAdapter;
  readonly engine: DeliveryEngine;
  /** Every event the sink received, in order (redeliveries included). */
  readonly events: InboundEvent[];
  /** What the sink answers next; default `accepted`. */
  verdict: (event: InboundEvent) => Promise<SinkResult> | SinkResult;
  /** Resolves with the next event the sink receives that matches. */
  nextEvent(match?: (event: InboundEvent) => boolean, timeoutMs?: number): Promise<InboundEvent>;
  /** Deliver a whole reply to a request through the delivery engine, parts spaced by `gapMs`. */
  reply(event: InboundEvent, parts: readonly ReplyPart[], gapMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Start a fake Bot API and a Telegram adapter pointed at it (polling unless `webhook` is given). */
export async function startHarness(
  adapterOptions: Partial<TelegramAdapterOptions> = {},
  fakeOptions: FakeTelegramOptions = {},
): Promise<Harness> {
  const fake = await startFakeTelegram({ maxHoldMs: 30_000, ...fakeOptions });
  const adapter = createTelegramAdapter({
    botToken: fake.token,
    apiRoot: fake.url,
    pollTimeoutSeconds: 30,
    ...adapterOptions,
  });
  const engine = createDeliveryEngine({
    adapterFor: (platform) => (platform === 'telegram' ? adapter : undefined),
  });
  const events: InboundEvent[] = [];
  const waiters: { match: (event: InboundEvent) => boolean; resolve: (event: InboundEvent) => void }[] = [];
  const controller = new AbortController();
  const harness: Harness = {
    fake,
    adapter,
    engine,
    events,
    verdict: () => ({ status: 'accepted' }),
    nextEvent(match = () => true, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching event reached the sink')), timeoutMs);
        waiters.push({
          match,
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event);
          },
        });
      });
    },
    async reply(event, parts, gapMs = 0) {
      engine.open(event.id, event.reply);
      for (const part of parts) {
        await engine.accept(event.id, part);
        if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      }
      await engine.settled(event.id);
    },
    async stop() {
      controller.abort();
      await adapter.stop();
      await engine.close();
      await fake.close();
    },
  };
  const sink: EventSink = async (event) => {
    events.push(event);
    const index = waiters.findIndex((waiter) => waiter.match(event));
    if (index >= 0) waiters.splice(index, 1)[0]?.resolve(event);
    return harness.verdict(event);
  };
  await adapter.start(sink, controller.signal);
  return harness;
}
