/**
 * Test support, imported only by the package's tests (kept outside src/ so the adapter stays a leaf):
 * the real adapter, with real discord.js inside, connected to the fake Discord from @switchboard/testkit,
 * and the delivery engine the box uses.
 */
import { EventEmitter } from 'node:events';
import { createDeliveryEngine, type DeliveryEngine } from '@switchboard/chat';
import {
  type ChatAdapter,
  createLogger,
  type EventSink,
  type InboundEvent,
  type Logger,
  type ReplyPart,
  type SinkResult,
} from '@switchboard/core';
import {
  type FakeDiscord,
  type FakeDiscordOptions,
  startFakeDiscord,
} from '@switchboard/testkit/fake-discord';
import { createDiscordAdapter } from '../src/adapter';
import type { DiscordAdapterOptions } from '../src/options';

/** A fake Discord, the adapter connected to it, and every event the adapter handed on. */
export interface Harness {
  readonly fake: FakeDiscord;
  readonly adapter: ChatAdapter;
  readonly events: InboundEvent[];
  /** The next event (or one already received and not yet taken). */
  nextEvent(timeoutMs?: number): Promise<InboundEvent>;
  /** The delivery engine the box would use, over this adapter. */
  readonly engine: DeliveryEngine;
  /** Deliver `parts` as the reply to `event` through the engine; resolves once delivered. */
  reply(event: InboundEvent, parts: readonly ReplyPart[] | AsyncIterable<ReplyPart>): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  readonly fake?: FakeDiscordOptions;
  readonly adapter?: Partial<DiscordAdapterOptions>;
  /** Answer each event; default: accept. */
  readonly sinkResult?: (event: InboundEvent) => SinkResult | Promise<SinkResult>;
  readonly logger?: Logger;
}

/** Start a fake Discord with fast heartbeats and a quick bucket, and the adapter against it. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = await startFakeDiscord({
    heartbeatIntervalMs: 250,
    rateLimit: { limit: 5, windowMs: 1000 },
    ...options.fake,
  });
  const events: InboundEvent[] = [];
  let taken = 0;
  const arrivals = new EventEmitter();
  const sink: EventSink = async (event) => {
    events.push(event);
    arrivals.emit('event');
    return options.sinkResult ? options.sinkResult(event) : { status: 'accepted' };
  };
  const adapter = createDiscordAdapter({
    botToken: fake.token,
    applicationId: fake.applicationId,
    apiUrl: fake.apiUrl,
    logger: options.logger ?? createLogger({ level: 'silent' }),
    ...options.adapter,
  });
  const engine = createDeliveryEngine({ adapterFor: () => adapter });
  const controller = new AbortController();
  try {
    await adapter.start(sink, controller.signal);
  } catch (error) {
    await fake.close();
    throw error;
  }
  return {
    fake,
    adapter,
    events,
    nextEvent(timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const take = () => {
          const event = events[taken];
          if (event === undefined) return false;
          taken += 1;
          clearTimeout(timer);
          arrivals.off('event', onEvent);
          resolve(event);
          return true;
        };
        const onEvent = () => void take();
        const timer = setTimeout(() => {
          arrivals.off('event', onEvent);
          reject(new Error(`no event within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!take()) arrivals.on('event', onEvent);
      });
    },
    engine,
    async reply(event, parts) {
      engine.open(event.id, event.reply);
      for await (const part of parts) await engine.accept(event.id, part);
      await engine.settled(event.id);
    },
    async close() {
      await engine.close();
      controller.abort();
      await adapter.stop();
      await fake.close();
    },
  };
}
