import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listen, readBody, type TestServer } from '../http';
import { appMention } from './payloads';
import { deliverWithRetries } from './retries';
import { startFakeSlack } from './server';
import type { FakeSlack } from './types';

interface Received {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

describe('Slack retries of a failed delivery', () => {
  /** Slack's own 3-second deadline; `impatient` gives up after 300 ms, for the never-answering app. */
  let slack: FakeSlack;
  let impatient: FakeSlack;
  let app: TestServer | undefined;
  const received: Received[] = [];

  /** An app that answers each delivery with the next status of `statuses` (`hang`: never answers). */
  const startApp = async (statuses: readonly (number | 'hang')[]) => {
    app = await listen(async (request, response) => {
      received.push({ headers: request.headers, body: await readBody(request) });
      const status = statuses[received.length - 1] ?? 200;
      if (status === 'hang') return;
      response.writeHead(status).end();
    });
    return `${app.url}/slack/events`;
  };

  beforeAll(async () => {
    slack = await startFakeSlack();
    impatient = await startFakeSlack({ ackDeadlineMs: 300 });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    received.length = 0;
  });
  afterAll(async () => {
    await slack?.close();
    await impatient?.close();
  });

  it('retries the same event with Slack retry headers until the app acknowledges it', async () => {
    const target = await startApp([500, 503, 200]);
    const mention = appMention({ text: '<@U0BOT> hello', eventId: 'EvRetry1' });
    const result = await deliverWithRetries(slack, target, mention, { delaysMs: [0, 20, 20] });
    expect(result.acknowledged).toBe(true);
    expect(result.attempts.map((attempt) => [attempt.retryNum, attempt.status, attempt.failure])).toEqual([
      [0, 500, 'http_error'],
      [1, 503, 'http_error'],
      [2, 200, undefined],
    ]);
    expect(received.map((delivery) => delivery.headers['x-slack-retry-num'])).toEqual([undefined, '1', '2']);
    expect(received[1]?.headers['x-slack-retry-reason']).toBe('http_error');
    expect(new Set(received.map((delivery) => JSON.parse(delivery.body).event_id))).toEqual(
      new Set(['EvRetry1']),
    );
  });

  it('calls an answer slower than the deadline a timeout, and gives up after the last retry', async () => {
    const target = await startApp(['hang', 'hang', 'hang']);
    const result = await deliverWithRetries(impatient, target, appMention({ text: '<@U0BOT> slow' }), {
      delaysMs: [0, 10],
    });
    expect(result.acknowledged).toBe(false);
    expect(result.attempts.map((attempt) => attempt.failure)).toEqual([
      'http_timeout',
      'http_timeout',
      'http_timeout',
    ]);
    expect(received[2]?.headers['x-slack-retry-reason']).toBe('http_timeout');
  });

  it('counts a refused connection as a failure, and stops waiting when aborted', async () => {
    const closed = await listen(() => {});
    const target = `${closed.url}/slack/events`;
    await closed.close();
    const refused = await deliverWithRetries(slack, target, appMention({ text: '<@U0BOT> anyone?' }), {
      delaysMs: [0],
    });
    expect(refused.attempts.map((attempt) => [attempt.status, attempt.failure])).toEqual([
      [0, 'connection_failed'],
      [0, 'connection_failed'],
    ]);
    const controller = new AbortController();
    const pending = deliverWithRetries(slack, target, appMention({ text: '<@U0BOT> later' }), {
      delaysMs: [60_000, 60_000],
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    const aborted = await pending;
    expect(aborted.acknowledged).toBe(false);
    expect(aborted.attempts).toHaveLength(1);
  });
});
