import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { listen, readBody, sendJson } from '../http';
import { deriveEntities } from './builders';
import { ChatStore } from './chats';
import { ApiFailure, FailurePlan } from './failures';
import { type ApiState, METHODS } from './methods';
import type {
  CallVia,
  FakeTelegram,
  FakeTelegramOptions,
  PressOptions,
  RecordedCall,
  TextOptions,
  TgChat,
  TgMessage,
  TgUpdate,
  TgUser,
  WebhookDelivery,
} from './types';
import { UpdateQueue } from './updates';
import { chatIdOf } from './validate';
import { WebhookSender } from './webhook';

const DEFAULT_TOKEN = '123456:TEST-fake-token';

/** High-resolution wall-clock milliseconds. */
export const now = (): number => performance.timeOrigin + performance.now();

function parseParams(contentType: string, body: string, query: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(query);
  if (body.trim() === '') return params;
  if (contentType.includes('application/json')) {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw ApiFailure.badRequest('the body must be a JSON object');
    return { ...params, ...(parsed as Record<string, unknown>) };
  }
  if (contentType.includes('application/x-www-form-urlencoded'))
    return { ...params, ...Object.fromEntries(new URLSearchParams(body)) };
  throw ApiFailure.badRequest('unsupported content type (the fake speaks JSON, form and query parameters)');
}

/**
 * Start a fake Telegram Bot API on 127.0.0.1. The real client library (telegraf) talks to it through
 * `apiRoot`; it enforces Telegram's limits and errors and records every call with a timestamp.
 */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? DEFAULT_TOKEN;
  const botId = options.bot?.id ?? Number(token.split(':')[0] ?? '1');
  const bot = {
    id: Number.isSafeInteger(botId) ? botId : 1,
    is_bot: true,
    first_name: options.bot?.firstName ?? 'Switchboard',
    username: options.bot?.username ?? 'switchboard_test_bot',
  };
  const calls: RecordedCall[] = [];
  const listeners = new Set<(call: RecordedCall) => void>();
  const failures = new FailurePlan();
  const state: ApiState = {
    bot,
    chats: new ChatStore(),
    updates: new UpdateQueue(),
    maxHoldMs: options.maxHoldMs ?? 10_000,
    drafts: options.drafts ?? true,
    webhook: undefined,
    commands: [],
    openQueries: new Set(),
    callbackAnswers: new Map(),
    onWebhookSet: () => sender.flush(),
  };
  let nextUpdateId = randomInt(100_000, 900_000);

  /** Run one API call: record it, apply injected failures, execute, record the answer. */
  async function execute(
    method: string,
    params: Record<string, unknown>,
    via: CallVia,
    onClose: (cancel: () => void) => void,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const call: RecordedCall = { method, params, at: now(), via };
    calls.push(call);
    for (const listener of listeners) listener(call);
    let answer: { status: number; body: Record<string, unknown> };
    try {
      const injected = failures.take(method, chatIdOf(params));
      if (injected) throw injected;
      const implementation = METHODS[method];
      if (implementation === undefined) throw new ApiFailure(404, 'Not Found');
      const result = await implementation(params, state, { onClose });
      call.ok = true;
      call.result = result;
      answer = { status: 200, body: { ok: true, result } };
    } catch (error) {
      const failure =
        error instanceof ApiFailure ? error : ApiFailure.badRequest(`fake failed: ${String(error)}`);
      call.ok = false;
      call.errorCode = failure.errorCode;
      call.description = failure.message;
      answer = { status: failure.errorCode, body: failure.toBody() };
    }
    for (const listener of listeners) listener(call);
    return answer;
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!match) return sendJson(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (decodeURIComponent(match[1] ?? '') !== token) {
      return sendJson(response, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    let params: Record<string, unknown>;
    try {
      params = parseParams(
        String(request.headers['content-type'] ?? ''),
        await readBody(request),
        url.searchParams,
      );
    } catch (error) {
      const failure =
        error instanceof ApiFailure ? error : ApiFailure.badRequest("can't parse JSON encoded request body");
      return sendJson(response, failure.errorCode, failure.toBody());
    }
    const answer = await execute(match[2] ?? '', params, 'http', (cancel) => response.on('close', cancel));
    if (!response.destroyed) sendJson(response, answer.status, answer.body);
  }

  const server = await listen(handle);
  const sender = new WebhookSender({
    state,
    retries: options.webhookRetries ?? 2,
    retryDelayMs: options.webhookRetryDelayMs ?? 200,
    now,
    executeReply: async (method, params) => {
      await execute(method, params, 'webhook-reply', () => {});
    },
  });

  const privateChat = (user: TgUser): TgChat => ({
    id: user.id,
    type: 'private',
    first_name: user.first_name,
    ...(user.username ? { username: user.username } : {}),
  });

  const textUpdate = (textOptions: TextOptions): TgUpdate => {
    const chat = textOptions.chat ?? privateChat(textOptions.from);
    state.chats.remember(chat);
    const replyTo =
      textOptions.replyTo === undefined ? undefined : state.chats.find(chat.id, textOptions.replyTo)?.message;
    const entities = textOptions.entities ?? deriveEntities(textOptions.text);
    const message = state.chats.add(chat, textOptions.from, textOptions.text, {
      entities,
      ...(replyTo ? { reply_to_message: replyTo } : {}),
      ...(textOptions.threadId !== undefined ? { message_thread_id: textOptions.threadId } : {}),
    });
    nextUpdateId += 1;
    return { update_id: nextUpdateId, message };
  };

  const callbackUpdate = (press: PressOptions): TgUpdate => {
    const current =
      state.chats.find(press.message.chat.id, press.message.message_id)?.message ?? press.message;
    const id = String(randomInt(1, 2 ** 47));
    state.openQueries.add(id);
    nextUpdateId += 1;
    return {
      update_id: nextUpdateId,
      callback_query: {
        id,
        from: press.from,
        chat_instance: String(current.chat.id),
        message: current,
        data: press.data,
      },
    };
  };

  const push = (update: TgUpdate | Record<string, unknown>): number => {
    const given = (update as { update_id?: unknown }).update_id;
    let id: number;
    if (typeof given === 'number' && Number.isSafeInteger(given) && given > 0) {
      id = given;
    } else {
      nextUpdateId += 1;
      id = nextUpdateId;
    }
    if (id > nextUpdateId) nextUpdateId = id;
    const stamped = { ...update, update_id: id };
    state.updates.add(id, stamped);
    if (state.webhook) sender.flush();
    return id;
  };

  const fake: FakeTelegram = {
    url: server.url,
    token,
    bot,
    calls,
    callsTo: (method, chatId) =>
      calls.filter(
        (call) => call.method === method && (chatId === undefined || chatIdOf(call.params) === chatId),
      ),
    waitFor(match, timeoutMs = 5000) {
      const test =
        typeof match === 'string'
          ? (call: RecordedCall) => call.method === match && call.ok !== undefined
          : match;
      const found = calls.find((call) => test(call));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(
            new Error(
              `fake Telegram: no matching call within ${timeoutMs} ms (${typeof match === 'string' ? match : 'predicate'})`,
            ),
          );
        }, timeoutMs);
        const listener = (call: RecordedCall) => {
          if (!test(call)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(call);
        };
        listeners.add(listener);
      });
    },
    user: (id, firstName = `User${id}`, username) => ({
      id,
      is_bot: false,
      first_name: firstName,
      ...(username ? { username } : {}),
    }),
    group(id, title = `Group ${id}`, type = 'supergroup') {
      const chat: TgChat = { id: id < 0 ? id : -id, type, title };
      state.chats.remember(chat);
      return chat;
    },
    privateChat(user) {
      const chat = privateChat(user);
      state.chats.remember(chat);
      return chat;
    },
    textUpdate,
    callbackUpdate,
    push,
    sendText(textOptions) {
      const update = textUpdate(textOptions);
      push(update);
      return update;
    },
    pressButton(press) {
      const update = callbackUpdate(press);
      push(update);
      return update;
    },
    deliverWebhook: (update, deliveryOptions = {}) => sender.deliver(update, deliveryOptions),
    messages: (chatId) => state.chats.byAuthor(chatId, bot.id),
    history: (chatId, messageId) => [...(state.chats.find(chatId, messageId)?.versions ?? [])],
    get confirmedOffset() {
      return state.updates.confirmedOffset;
    },
    get pendingCount() {
      return state.updates.pendingCount;
    },
    get webhook() {
      return state.webhook;
    },
    webhookDeliveries: sender.deliveries as readonly WebhookDelivery[],
    get commands() {
      return state.commands;
    },
    callbackAnswers: state.callbackAnswers,
    rateLimit(method, limit) {
      failures.add(method, {
        errorCode: 429,
        description: `Too Many Requests: retry after ${limit.retryAfter}`,
        parameters: { retry_after: limit.retryAfter },
        ...(limit.times !== undefined ? { times: limit.times } : {}),
        ...(limit.chatId !== undefined ? { chatId: limit.chatId } : {}),
      });
    },
    failNext: (method, failure) => failures.add(method, failure),
    async close() {
      state.updates.close();
      sender.close();
      await server.close();
    },
  };
  return fake;
}

export type { TgMessage };
