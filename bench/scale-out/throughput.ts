import { Agent, request } from 'node:http';
import { inParallel } from './parallel';
import { percentile } from './stats';

/** What a load run through the web API measured. */
export interface Throughput {
  readonly requests: number;
  readonly failed: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * Send one message and read its stream to the end; true when the answer is 200 and holds a `reply-end`.
 * `node:http` with a keep-alive agent rather than `fetch`: the load's own client then costs ≈ 0.15 ms of
 * CPU per command instead of ≈ 0.6 ms, which the box would otherwise lose on a machine it shares.
 */
function askOnce(agent: Agent, url: URL, conversation: string, token: string): Promise<boolean> {
  const body = JSON.stringify({ text: 'ping', conversation });
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: '/api/messages',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve(response.statusCode === 200 && text.includes('"type":"reply-end"')));
        response.on('error', reject);
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
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
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const target = new URL(url);
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  await inParallel(options.total, options.concurrency, async (index) => {
    const sent = performance.now();
    const conversation = `load-${index % options.conversations}`;
    const ok = await askOnce(agent, target, conversation, token).catch(() => false);
    latencies.push(performance.now() - sent);
    if (!ok) failed++;
  });
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    requests: options.total,
    failed,
    perSecond: options.total / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}
