import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, readBody, type TestServer } from '../http';
import { appMention, signSlackRequest, startFakeSlack } from './index';
import type { FakeSlack } from './types';

describe('the fake Slack', () => {
  let fake: FakeSlack;
  const call = async (method: string, fields: Record<string, string>, token: string = fake.botToken) => {
    const response = await fetch(`${fake.apiUrl}${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  beforeAll(async () => {
    fake = await startFakeSlack({ ackDeadlineMs: 300 });
  });
  afterAll(() => fake?.close());

  it('checks tokens and answers unknown methods like Slack', async () => {
    expect((await call('auth.test', {}, 'xoxb-nope')).body).toEqual({ ok: false, error: 'invalid_auth' });
    expect((await call('apps.connections.open', {})).body).toEqual({ ok: false, error: 'invalid_auth' });
    expect((await call('auth.test', {})).body).toMatchObject({
      ok: true,
      team_id: 'T0FAKE',
      user_id: 'U0BOT',
      bot_id: 'B0BOT',
    });
    expect((await call('chat.nope', {})).body).toEqual({ ok: false, error: 'unknown_method' });
  });

  it('enforces 40,000 characters and valid blocks, and records every call', async () => {
    expect((await call('chat.postMessage', { channel: 'C1', text: 'x'.repeat(40_001) })).body).toEqual({
      ok: false,
      error: 'msg_too_long',
    });
    const posted = await call('chat.postMessage', { channel: 'C1', text: 'x'.repeat(40_000) });
    expect(posted.body).toMatchObject({ ok: true, channel: 'C1' });
    const blocks = JSON.stringify([
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'A' } },
          { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'B' } },
        ],
      },
    ]);
    expect((await call('chat.postMessage', { channel: 'C1', text: 't', blocks })).body).toEqual({
      ok: false,
      error: 'invalid_blocks',
    });
    expect((await call('chat.update', { channel: 'C1', ts: '1.2', text: 'y' })).body).toEqual({
      ok: false,
      error: 'message_not_found',
    });
    expect(fake.callsOf('chat.postMessage').map((c) => c.outcome)).toEqual([
      'msg_too_long',
      'ok',
      'invalid_blocks',
    ]);
  });

  it('refuses with 429 and Retry-After per method and channel', async () => {
    fake.rateLimit({ method: 'chat.postMessage', channel: 'C9', retryAfterSeconds: 7, times: 2 });
    expect((await call('chat.postMessage', { channel: 'C8', text: 'fine' })).status).toBe(200);
    const limited = await call('chat.postMessage', { channel: 'C9', text: 'no' });
    expect(limited).toMatchObject({ status: 429, retryAfter: '7' });
    expect((await call('chat.postMessage', { channel: 'C9', text: 'no' })).status).toBe(429);
    expect((await call('chat.postMessage', { channel: 'C9', text: 'yes' })).status).toBe(200);
  });

  it('streams: start, append, stop, and refuses appends after the stop', async () => {
    const started = await call('chat.startStream', { channel: 'C2', thread_ts: '1.1', markdown_text: 'a' });
    const ts = String(started.body['ts']);
    await call('chat.appendStream', { channel: 'C2', ts, markdown_text: 'b' });
    await call('chat.stopStream', { channel: 'C2', ts });
    expect(fake.message('C2', ts)).toMatchObject({ text: 'ab', stream: 'stopped' });
    expect((await call('chat.appendStream', { channel: 'C2', ts, markdown_text: 'c' })).body).toEqual({
      ok: false,
      error: 'message_not_in_streaming_state',
    });
    fake.setStreaming('unknown_method');
    expect((await call('chat.startStream', { channel: 'C2', thread_ts: '1.1' })).body).toEqual({
      ok: false,
      error: 'unknown_method',
    });
    fake.setStreaming(true);
  });

  describe('deliveries', () => {
    let app: TestServer;
    let last: { headers: Record<string, string | string[] | undefined>; body: string } | undefined;
    let delayMs = 0;
    beforeAll(async () => {
      app = await listen(async (request, response) => {
        last = { headers: request.headers, body: await readBody(request) };
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        response.writeHead(200).end();
      });
    });
    afterAll(() => app?.close());

    it('signs the raw body with the timestamp it sends, and sends retry headers', async () => {
      const result = await fake.deliver(app.url, appMention({ text: '<@U0BOT> hi' }), {
        retryNum: 2,
        retryReason: 'http_error',
      });
      expect(result).toMatchObject({ status: 200, timedOut: false });
      const timestamp = Number(last?.headers['x-slack-request-timestamp']);
      expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(2);
      expect(last?.headers['x-slack-signature']).toBe(
        signSlackRequest(fake.signingSecret, timestamp, last?.body ?? ''),
      );
      expect(last?.headers).toMatchObject({ 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_error' });
    });

    it('gives up at the ack deadline, as Slack does', async () => {
      delayMs = 600;
      const result = await fake.deliver(app.url, appMention({ text: '<@U0BOT> slow' }));
      delayMs = 0;
      expect(result.timedOut).toBe(true);
      expect(result.status).toBe(0);
      expect(result.ackMs).toBeGreaterThanOrEqual(290);
    });
  });
});
