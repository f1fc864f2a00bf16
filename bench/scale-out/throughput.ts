import { percentile } from './stats';

/** What a load run through the web API measured. */
export interface Throughput {
  readonly requests: number;
  readonly failed: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Send one message and read its stream to the final part; true when the final part is a `reply-end`. */
async function askOnce(url: string, conversation: string, token: string): Promise<boolean> {
  const response = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ text: 'ping', conversation }),
  });
  const body = await response.text();
  return response.ok && body.includes('"type":"reply-end"');
}

/**
 * `total` messages through the web API, `concurrency` at a time, spread over `conversations`
 * conversations (in order within each, in parallel across them, as the bus guarantees).
 */
export async function runLoad(
  url: string,
  token: string,
  options: { readonly total: number; readonly concurrency: number; readonly conversations: number },
): Promise<Throughput> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < options.total) {
      const index = next++;
      const sent = performance.now();
      const ok = await askOnce(url, `load-${index % options.conversations}`, token).catch(() => false);
      latencies.push(performance.now() - sent);
      if (!ok) failed++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: options.total,
    failed,
    perSecond: options.total / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}
