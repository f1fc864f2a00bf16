import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, sendJson } from '../http';
import { graphError } from './errors';
import type { FakeGraph, FakeGraphOptions, GraphCall, GraphFailureRule, GraphMessageKind } from './types';
import { classifyMessage } from './validate';

const DAY_MS = 24 * 60 * 60 * 1000;
const FREE_FORM: readonly GraphMessageKind[] = ['text', 'interactive'];
const SENDS: readonly GraphMessageKind[] = ['text', 'interactive', 'template'];

const wamid = () => `wamid.${randomBytes(18).toString('base64url')}`;

/**
 * Start a fake WhatsApp Cloud API on 127.0.0.1: `POST /{version}/{phone-number-id}/messages` (text,
 * interactive reply buttons, templates, read receipts and typing indicators) and
 * `GET /{version}/{phone-number-id}`. It checks the bearer token (190), validates bodies like the real
 * API (100), refuses free-form messages outside a user's 24-hour customer-service window (131047), and
 * answers injected failures with Meta's error shape. Every call is recorded with the fake clock's time.
 */
export async function startFakeGraph(options: FakeGraphOptions = {}): Promise<FakeGraph> {
  const token = options.token ?? 'EAAG-fake-token';
  const phoneNumberId = options.phoneNumberId ?? '106540352242922';
  const version = options.version ?? 'v23.0';
  const now = options.now ?? Date.now;
  const calls: GraphCall[] = [];
  const listeners = new Set<(call: GraphCall) => void>();
  const failures: { rule: GraphFailureRule; left: number }[] = [];
  const lastWrote = new Map<string, number>();

  const windowOpen = (waId: string) => {
    const at = lastWrote.get(waId);
    return at !== undefined && now() - at < DAY_MS;
  };

  const record = (call: GraphCall) => {
    calls.push(call);
    for (const listener of [...listeners]) listener(call);
  };

  const injected = (kind: GraphMessageKind, to: string | undefined) => {
    const index = failures.findIndex(
      ({ rule }) => (rule.kinds ?? SENDS).includes(kind) && (rule.to === undefined || rule.to === to),
    );
    const failure = failures[index];
    if (failure === undefined) return undefined;
    failure.left -= 1;
    if (failure.left <= 0) failures.splice(index, 1);
    return failure.rule.code;
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    const method = request.method ?? 'GET';
    const text = await readBody(request);
    let body: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = text.trim() === '' ? undefined : JSON.parse(text);
      body = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      body = undefined;
    }
    const base = { method, path, body, at: now() };
    const answer = (
      kind: GraphCall['kind'],
      to: string | undefined,
      status: number,
      payload: unknown,
      extra: { errorCode?: number; messageId?: string } = {},
    ) => {
      record({
        ...base,
        kind,
        to,
        status,
        errorCode: extra.errorCode,
        messageId: extra.messageId,
      });
      sendJson(response, status, payload);
    };
    const fail = (kind: GraphCall['kind'], to: string | undefined, code: number, details?: string) => {
      const error = graphError(code, details);
      answer(kind, to, error.status, error.body, { errorCode: code });
    };

    if (request.headers.authorization !== `Bearer ${token}`) return fail('unknown', undefined, 190);
    const prefix = `/${version}/${phoneNumberId}`;
    if (method === 'GET' && path === prefix) {
      return answer('phone-number', undefined, 200, {
        verified_name: 'Switchboard Test',
        display_phone_number: '+1 555-010-0000',
        quality_rating: 'GREEN',
        id: phoneNumberId,
      });
    }
    if (method !== 'POST' || path !== `${prefix}/messages`) {
      return fail(
        'unknown',
        undefined,
        100,
        `Unsupported ${method.toLowerCase()} request. Object with ID '${path.split('/')[2] ?? ''}' does not exist.`,
      );
    }
    const classified = classifyMessage(body);
    if (classified.kind === 'invalid') return fail('invalid', classified.to, 100, classified.problem);
    const { kind, to } = classified;
    const code = injected(kind, to);
    if (code !== undefined) return fail(kind, to, code);
    if (FREE_FORM.includes(kind) && to !== undefined && !windowOpen(to)) return fail(kind, to, 131047);
    if (kind === 'typing' || kind === 'read') return answer(kind, to, 200, { success: true });
    const messageId = wamid();
    return answer(
      kind,
      to,
      200,
      { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: messageId }] },
      { messageId },
    );
  }

  const server = await listen(handle);
  return {
    url: `${server.url}/${version}`,
    token,
    phoneNumberId,
    calls,
    sent: (to) =>
      calls.filter(
        (call) =>
          call.status === 200 &&
          SENDS.includes(call.kind as GraphMessageKind) &&
          (to === undefined || call.to === to),
      ),
    waitFor(match, timeoutMs = 5000) {
      const found = calls.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`fake Graph API: no matching call within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (call: GraphCall) => {
          if (!match(call)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(call);
        };
        listeners.add(listener);
      });
    },
    fail(rule) {
      failures.push({ rule, left: rule.times ?? 1 });
    },
    userWrote(waId, at = now()) {
      lastWrote.set(waId, Math.max(at, lastWrote.get(waId) ?? 0));
    },
    windowOpen,
    close: () => server.close(),
  };
}
