import { createMemoryBus } from '../../packages/bus/src/index';
import { createNatsBus } from '../../packages/bus-nats/src/index';
import type { Bus, InboundEvent } from '../../packages/core/src/index';
import { percentile } from './stats';

/** Latency from `enqueue` to the worker's handler starting, one event at a time, in milliseconds. */
export interface HopLatency {
  readonly p50: number;
  readonly p99: number;
}

function event(index: number, run: string): InboundEvent {
  return {
    id: `bench:${run}:${index}`,
    kind: 'message',
    conversation: { platform: 'web', account: 'bench', channel: `c${index % 40}`, direct: true },
    author: { platformUserId: 'bench', displayName: 'bench' },
    text: 'hop',
    reply: { platform: 'web', data: {} },
    receivedAt: new Date().toISOString(),
  };
}

async function measure(bus: Bus, count: number, run: string): Promise<HopLatency> {
  const started = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const samples: number[] = [];
  const stop = bus.work(
    async (received) => {
      const at = started.get(received.id);
      if (at !== undefined) samples.push(performance.now() - at);
      waiting.get(received.id)?.();
    },
    { concurrency: 4 },
  );
  for (let index = 0; index < count; index++) {
    const next = event(index, run);
    const handled = new Promise<void>((resolve) => waiting.set(next.id, resolve));
    started.set(next.id, performance.now());
    await bus.enqueue(next);
    await handled;
  }
  stop();
  const warm = samples.slice(Math.min(50, Math.floor(samples.length / 10)));
  return { p50: percentile(warm, 0.5), p99: percentile(warm, 0.99) };
}

/** The hop through the in-memory bus and through NATS JetStream, measured the same way. */
export async function busHop(
  natsUrl: string,
  count: number,
): Promise<{ memory: HopLatency; nats: HopLatency }> {
  const run = Date.now().toString(36);
  const memoryBus = createMemoryBus({ queueLimit: 10_000, closeTimeoutMs: 1000 });
  const memory = await measure(memoryBus, count, `m${run}`);
  await memoryBus.close();
  const natsBus = await createNatsBus({ url: natsUrl, prefix: `bench_hop_${run}` });
  try {
    const nats = await measure(natsBus, count, `n${run}`);
    return { memory, nats };
  } finally {
    await natsBus.close();
  }
}
