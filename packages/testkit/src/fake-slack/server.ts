import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listen, readBody, sendJson } from '../http';
import { encodeDelivery } from './payloads';
import { signSlackRequest } from './sign';
import { FakeSocketServer } from './socket-mode';
import type {
  DeliveryOptions,
  DeliveryResult,
  FakeMessage,
  FakeSlack,
  FakeSlackOptions,
  RecordedCall,
  RecordedResponse,
  SlackDelivery,
} from './types';
import { FakeWebApi, parseApiBody } from './web-api';

const DEFAULTS = {
  signingSecret: 'fake-signing-secret-0123456789',
  botToken: 'xoxb-fake-bot-token',
  appToken: 'xapp-fake-app-token',
  teamId: 'T0FAKE',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
} as const;

function bearer(request: IncomingMessage, args: Record<string, unknown>): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  return typeof args['token'] === 'string' ? args['token'] : undefined;
}

/**
 * Start a fake Slack on 127.0.0.1: the Web API under `/api/<method>` (form or JSON bodies, bearer tokens,
 * Slack's limits and error codes, injectable 429s), `response_url`s under `/response/<id>`, Socket Mode on
 * `/link/`, and signed HTTP deliveries to the app with controllable timestamps, signatures and retries.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const identity = {
    teamId: options.teamId ?? DEFAULTS.teamId,
    botUserId: options.botUserId ?? DEFAULTS.botUserId,
    botId: options.botId ?? DEFAULTS.botId,
    botToken: options.botToken ?? DEFAULTS.botToken,
    appToken: options.appToken ?? DEFAULTS.appToken,
  };
  const signingSecret = options.signingSecret ?? DEFAULTS.signingSecret;
  const ackDeadlineMs = options.ackDeadlineMs ?? 3000;
  const responses: RecordedResponse[] = [];
  let socket: FakeSocketServer | undefined;
  const api = new FakeWebApi(identity, options.streaming ?? true, () => socket?.issueUrl() ?? '');

  const handler = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const raw = await readBody(request);
    if (request.method === 'POST' && url.pathname.startsWith('/api/')) {
      const method = url.pathname.slice('/api/'.length);
      let args: Record<string, unknown>;
      try {
        args = parseApiBody(raw, request.headers['content-type']);
      } catch {
        sendJson(response, 200, { ok: false, error: 'invalid_json' });
        return;
      }
      const answer = api.handle(method, args, bearer(request, args));
      if (answer.kind === 'rate-limited') {
        sendJson(
          response,
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(answer.retryAfterSeconds) },
        );
        return;
      }
      sendJson(response, 200, answer.body);
      return;
    }
    if (request.method === 'POST' && url.pathname.startsWith('/response/')) {
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // Recorded as text.
      }
      responses.push({ id: url.pathname.slice('/response/'.length), body, at: Date.now() });
      sendJson(response, 200, { ok: true });
      return;
    }
    sendJson(response, 404, { ok: false, error: 'not_found' });
  };

  const server = await listen(handler);
  socket = new FakeSocketServer(
    server.server,
    () => server.url,
    ackDeadlineMs,
    options.socketPingIntervalMs ?? 10_000,
  );

  const post = async (
    target: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<DeliveryResult> => {
    const started = performance.now();
    try {
      const answer = await fetch(target, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(ackDeadlineMs),
      });
      const ackMs = performance.now() - started;
      return {
        status: answer.status,
        body: await answer.text(),
        contentType: answer.headers.get('content-type'),
        ackMs,
        timedOut: false,
      };
    } catch (error) {
      const ackMs = performance.now() - started;
      if ((error as Error).name === 'TimeoutError')
        return { status: 0, body: '', contentType: null, ackMs, timedOut: true };
      throw error;
    }
  };

  const wait = <T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> => {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const unsubscribe = api.onChange(() => {
        const value = find();
        if (value === undefined) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(value);
      });
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`fake Slack: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  };

  const fake: FakeSlack = {
    url: server.url,
    apiUrl: `${server.url}/api/`,
    signingSecret,
    ...identity,
    get calls(): readonly RecordedCall[] {
      return api.calls;
    },
    callsOf: (method) => api.calls.filter((call) => call.method === method),
    waitForCall: (predicate, timeoutMs = 10_000) =>
      wait(() => api.calls.find(predicate), timeoutMs, 'matching call'),
    get messages(): readonly FakeMessage[] {
      return api.messages;
    },
    message: (channel, ts) => api.message(channel, ts),
    thread: (channel, threadTs) =>
      api.messages.filter((m) => m.channel === channel && m.threadTs === threadTs),
    waitForMessage: (predicate, timeoutMs = 10_000) =>
      wait(() => api.messages.find(predicate), timeoutMs, 'matching message'),
    rateLimit: (rule) => api.rateLimit(rule),
    failNext: (rule) => api.failNext(rule),
    setStreaming(streaming) {
      api.streaming = streaming;
    },
    get responses(): readonly RecordedResponse[] {
      return responses;
    },
    async deliver(target: string, delivery: SlackDelivery, deliveryOptions: DeliveryOptions = {}) {
      const { body, contentType } = encodeDelivery(delivery);
      const offset = deliveryOptions.timestampOffsetSeconds ?? 0;
      // Timestamps are whole seconds: near a window edge, sign early in a second so that the receiver,
      // a few milliseconds later, still reads the same second and the offset it sees is exact.
      if (offset !== 0 && Date.now() % 1000 > 700) await sleep(1000 - (Date.now() % 1000) + 5);
      const timestamp = Math.floor(Date.now() / 1000) + offset;
      const headers: Record<string, string> = {
        'content-type': contentType,
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      };
      if (!deliveryOptions.omitTimestamp) headers['x-slack-request-timestamp'] = String(timestamp);
      const signature = deliveryOptions.signature ?? 'valid';
      if (signature !== 'missing') {
        headers['x-slack-signature'] = signSlackRequest(
          signature === 'bad' ? `${signingSecret}-wrong` : signingSecret,
          timestamp,
          body,
        );
      }
      if (deliveryOptions.retryNum !== undefined) {
        headers['x-slack-retry-num'] = String(deliveryOptions.retryNum);
        headers['x-slack-retry-reason'] = deliveryOptions.retryReason ?? 'http_timeout';
      }
      return post(target, deliveryOptions.tamper ? deliveryOptions.tamper(body) : body, headers);
    },
    deliverRaw(target, body, rawOptions = {}) {
      const timestamp = Math.floor(Date.now() / 1000);
      const headers: Record<string, string> = {
        'content-type': rawOptions.contentType ?? 'application/json',
      };
      if (rawOptions.sign !== false) {
        headers['x-slack-request-timestamp'] = String(timestamp);
        headers['x-slack-signature'] = signSlackRequest(signingSecret, timestamp, body);
      }
      return post(target, body, headers);
    },
    socket,
    async close() {
      await socket?.close();
      await server.close();
    },
  };
  return fake;
}
