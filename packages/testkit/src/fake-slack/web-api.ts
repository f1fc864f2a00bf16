import { slackTs } from './payloads';
import type { FailureRule, FakeMessage, RateLimitRule, RecordedCall } from './types';

/** Slack's limits the fake enforces. */
export const LIMITS = {
  /** `text` of chat.postMessage / chat.update. */
  textLength: 40_000,
  /** `markdown_text` of one chat.startStream / appendStream / stopStream call. */
  streamChunkLength: 12_000,
  blocks: 50,
  sectionText: 3_000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2_000,
  actionId: 255,
} as const;

/** The answer to one Web API call. */
export type ApiAnswer =
  | { readonly kind: 'json'; readonly body: Record<string, unknown> }
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number };

interface Identity {
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly botToken: string;
  readonly appToken: string;
}

const ok = (body: Record<string, unknown> = {}): ApiAnswer => ({ kind: 'json', body: { ok: true, ...body } });
const fail = (error: string, extra: Record<string, unknown> = {}): ApiAnswer => ({
  kind: 'json',
  body: { ok: false, error, ...extra },
});

const JSON_FIELDS = new Set(['blocks', 'attachments', 'chunks', 'metadata', 'unfurl_links']);

/** Parse a Web API request body: form fields (JSON-valued ones parsed) or a JSON object. */
export function parseApiBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) {
    const parsed: unknown = raw.trim() === '' ? {} : JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key) && /^[[{]/.test(value)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // Slack answers invalid JSON in these fields with an error below; keep the raw text.
      }
    }
    args[key] = value;
  }
  return args;
}

function validateBlocks(blocks: unknown): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'invalid_blocks_format';
  if (blocks.length > LIMITS.blocks) return 'invalid_blocks';
  const actionIds = new Set<string>();
  for (const block of blocks as Record<string, unknown>[]) {
    if (typeof block !== 'object' || block === null || typeof block['type'] !== 'string')
      return 'invalid_blocks';
    if (block['type'] === 'section') {
      const text = block['text'] as { text?: unknown } | undefined;
      if (typeof text?.text !== 'string' || text.text.length === 0 || text.text.length > LIMITS.sectionText) {
        return 'invalid_blocks';
      }
    }
    if (block['type'] === 'actions') {
      const elements = block['elements'];
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > LIMITS.actionsElements)
        return 'invalid_blocks';
      for (const element of elements as Record<string, unknown>[]) {
        const label = (element['text'] as { text?: unknown } | undefined)?.text;
        const actionId = element['action_id'];
        const value = element['value'];
        if (element['type'] !== 'button' || typeof label !== 'string' || label.length === 0)
          return 'invalid_blocks';
        if (label.length > LIMITS.buttonText) return 'invalid_blocks';
        if (typeof actionId !== 'string' || actionId.length > LIMITS.actionId || actionIds.has(actionId))
          return 'invalid_blocks';
        if (value !== undefined && (typeof value !== 'string' || value.length > LIMITS.buttonValue))
          return 'invalid_blocks';
        actionIds.add(actionId);
      }
    }
  }
  return undefined;
}

/** The state behind the fake's Web API: messages, streams, injected 429s and failures, the call log. */
export class FakeWebApi {
  readonly calls: RecordedCall[] = [];
  readonly messages: FakeMessage[] = [];
  readonly #byKey = new Map<string, FakeMessage>();
  readonly #rateLimits: { rule: RateLimitRule; left: number }[] = [];
  readonly #failures: { rule: FailureRule; left: number }[] = [];
  readonly #listeners = new Set<() => void>();
  streaming: true | string;

  constructor(
    private readonly identity: Identity,
    streaming: true | string,
    private readonly socketUrl: () => string,
  ) {
    this.streaming = streaming;
  }

  rateLimit(rule: RateLimitRule): void {
    this.#rateLimits.push({ rule, left: rule.times ?? 1 });
  }

  failNext(rule: FailureRule): void {
    this.#failures.push({ rule, left: rule.times ?? 1 });
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.#byKey.get(`${channel}:${ts}`);
  }

  /** Call `listener` after every change (calls and messages); returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /** Handle one call. `token` is the bearer token (or the `token` field). */
  handle(method: string, args: Record<string, unknown>, token: string | undefined): ApiAnswer {
    const call: RecordedCall = { method, args, at: Date.now(), outcome: 'ok' };
    this.calls.push(call);
    const answer = this.#answer(method, args, token);
    call.outcome =
      answer.kind === 'rate-limited'
        ? 'ratelimited'
        : answer.body['ok'] === true
          ? 'ok'
          : String(answer.body['error']);
    this.#changed();
    return answer;
  }

  #take<T extends { rule: { method: string; channel?: string }; left: number }>(
    rules: T[],
    method: string,
    args: Record<string, unknown>,
  ): T | undefined {
    const channel = typeof args['channel'] === 'string' ? args['channel'] : args['channel_id'];
    const index = rules.findIndex(
      (entry) =>
        entry.rule.method === method && (entry.rule.channel === undefined || entry.rule.channel === channel),
    );
    if (index === -1) return undefined;
    const entry = rules[index] as T;
    entry.left -= 1;
    if (entry.left <= 0) rules.splice(index, 1);
    return entry;
  }

  #answer(method: string, args: Record<string, unknown>, token: string | undefined): ApiAnswer {
    const wanted = method === 'apps.connections.open' ? this.identity.appToken : this.identity.botToken;
    if (token === undefined || token === '') return fail('not_authed');
    if (token !== wanted) return fail('invalid_auth');
    const limited = this.#take(this.#rateLimits, method, args);
    if (limited) return { kind: 'rate-limited', retryAfterSeconds: limited.rule.retryAfterSeconds ?? 1 };
    const failure = this.#take(this.#failures, method, args);
    if (failure) return fail(failure.rule.error);
    switch (method) {
      case 'auth.test':
        return ok({
          url: 'https://fake.slack.invalid/',
          team: 'Fake Team',
          user: 'switchboard',
          team_id: this.identity.teamId,
          user_id: this.identity.botUserId,
          bot_id: this.identity.botId,
          is_enterprise_install: false,
        });
      case 'apps.connections.open':
        return ok({ url: this.socketUrl() });
      case 'chat.postMessage':
        return this.#postMessage(args);
      case 'chat.update':
        return this.#update(args);
      case 'chat.startStream':
        return this.#startStream(args);
      case 'chat.appendStream':
        return this.#appendStream(args);
      case 'chat.stopStream':
        return this.#stopStream(args);
      case 'conversations.replies':
        return this.#replies(args);
      case 'conversations.history':
        return this.#history(args);
      case 'assistant.threads.setStatus':
        return typeof args['channel_id'] === 'string' &&
          typeof args['thread_ts'] === 'string' &&
          typeof args['status'] === 'string'
          ? ok()
          : fail('invalid_arguments');
      default:
        return fail('unknown_method');
    }
  }

  #store(message: FakeMessage): void {
    this.messages.push(message);
    this.#byKey.set(`${message.channel}:${message.ts}`, message);
  }

  #postMessage(args: Record<string, unknown>): ApiAnswer {
    const channel = args['channel'];
    if (typeof channel !== 'string' || channel === '') return fail('channel_not_found');
    const text = typeof args['text'] === 'string' ? args['text'] : '';
    const blocks = args['blocks'];
    if (text.trim() === '' && (blocks === undefined || (Array.isArray(blocks) && blocks.length === 0)))
      return fail('no_text');
    if (text.length > LIMITS.textLength) return fail('msg_too_long');
    const invalid = validateBlocks(blocks);
    if (invalid) return fail(invalid);
    const threadTs =
      typeof args['thread_ts'] === 'string' && args['thread_ts'] !== '' ? args['thread_ts'] : undefined;
    if (
      threadTs !== undefined &&
      !this.messages.some((m) => m.channel === channel && m.ts === threadTs) &&
      !/^\d+\.\d+$/.test(threadTs)
    ) {
      return fail('invalid_thread_ts');
    }
    const message: FakeMessage = {
      channel,
      ts: slackTs(),
      threadTs,
      user: this.identity.botUserId,
      text,
      blocks: Array.isArray(blocks) ? blocks : undefined,
      stream: undefined,
      edits: 0,
    };
    this.#store(message);
    return ok({ channel, ts: message.ts, message: this.#view(message) });
  }

  #update(args: Record<string, unknown>): ApiAnswer {
    const message = this.#find(args);
    if (!message) return fail('message_not_found');
    if (message.user !== this.identity.botUserId) return fail('cant_update_message');
    const text = typeof args['text'] === 'string' ? args['text'] : undefined;
    const blocks = args['blocks'];
    if (text === undefined && blocks === undefined) return fail('no_text');
    if (text !== undefined && text.length > LIMITS.textLength) return fail('msg_too_long');
    const invalid = validateBlocks(blocks);
    if (invalid) return fail(invalid);
    if (text !== undefined) message.text = text;
    if (Array.isArray(blocks)) message.blocks = blocks.length === 0 ? undefined : blocks;
    message.edits += 1;
    return ok({ channel: message.channel, ts: message.ts, text: message.text, message: this.#view(message) });
  }

  #startStream(args: Record<string, unknown>): ApiAnswer {
    if (this.streaming !== true) return fail(this.streaming);
    const channel = args['channel'];
    const threadTs = args['thread_ts'];
    if (typeof channel !== 'string' || channel === '') return fail('channel_not_found');
    if (typeof threadTs !== 'string' || threadTs === '') return fail('invalid_arguments');
    const text = typeof args['markdown_text'] === 'string' ? args['markdown_text'] : '';
    if (text.length > LIMITS.streamChunkLength) return fail('msg_too_long');
    const message: FakeMessage = {
      channel,
      ts: slackTs(),
      threadTs,
      user: this.identity.botUserId,
      text,
      blocks: undefined,
      stream: 'streaming',
      edits: 0,
    };
    this.#store(message);
    return ok({ channel, ts: message.ts });
  }

  #appendStream(args: Record<string, unknown>): ApiAnswer {
    const message = this.#find(args);
    if (!message) return fail('message_not_found');
    if (message.stream !== 'streaming') return fail('message_not_in_streaming_state');
    const text = args['markdown_text'];
    if (typeof text !== 'string' || text === '') return fail('invalid_arguments');
    if (text.length > LIMITS.streamChunkLength || message.text.length + text.length > LIMITS.textLength) {
      return fail('msg_too_long');
    }
    message.text += text;
    message.edits += 1;
    return ok({ channel: message.channel, ts: message.ts });
  }

  #stopStream(args: Record<string, unknown>): ApiAnswer {
    const message = this.#find(args);
    if (!message) return fail('message_not_found');
    if (message.stream !== 'streaming') return fail('message_not_in_streaming_state');
    const text = typeof args['markdown_text'] === 'string' ? args['markdown_text'] : '';
    if (text.length > LIMITS.streamChunkLength || message.text.length + text.length > LIMITS.textLength) {
      return fail('msg_too_long');
    }
    const invalid = validateBlocks(args['blocks']);
    if (invalid) return fail(invalid);
    message.text += text;
    if (Array.isArray(args['blocks'])) message.blocks = args['blocks'];
    message.stream = 'stopped';
    return ok({ channel: message.channel, ts: message.ts, message: this.#view(message) });
  }

  /**
   * A thread: its parent (when the fake holds it) then its replies, oldest first, within `oldest`/`latest`
   * (exclusive unless `inclusive`), at most `limit` (default 1000) with `has_more`.
   */
  #replies(args: Record<string, unknown>): ApiAnswer {
    const channel = args['channel'];
    const ts = args['ts'];
    if (typeof channel !== 'string' || channel === '') return fail('channel_not_found');
    if (typeof ts !== 'string' || ts === '') return fail('invalid_arguments');
    const parent = this.message(channel, ts);
    const replies = this.messages.filter((m) => m.channel === channel && m.threadTs === ts && m.ts !== ts);
    if (parent === undefined && replies.length === 0) return fail('thread_not_found');
    const thread = [...(parent === undefined ? [] : [parent]), ...this.#within(replies, args)];
    return this.#page(thread, args);
  }

  /** A channel's top-level messages, newest first, within `oldest`/`latest`, at most `limit`. */
  #history(args: Record<string, unknown>): ApiAnswer {
    const channel = args['channel'];
    if (typeof channel !== 'string' || channel === '') return fail('channel_not_found');
    const top = this.messages.filter(
      (m) => m.channel === channel && (m.threadTs === undefined || m.threadTs === m.ts),
    );
    return this.#page(this.#within(top, args).reverse(), args);
  }

  #within(messages: readonly FakeMessage[], args: Record<string, unknown>): FakeMessage[] {
    const inclusive = args['inclusive'] === true || args['inclusive'] === 'true';
    const bound = (name: string) => (typeof args[name] === 'string' ? Number(args[name]) : undefined);
    const oldest = bound('oldest');
    const latest = bound('latest');
    return [...messages]
      .sort((a, b) => Number(a.ts) - Number(b.ts))
      .filter((m) => {
        const at = Number(m.ts);
        if (oldest !== undefined && (inclusive ? at < oldest : at <= oldest)) return false;
        return latest === undefined || (inclusive ? at <= latest : at < latest);
      });
  }

  #page(messages: readonly FakeMessage[], args: Record<string, unknown>): ApiAnswer {
    const asked = Number(args['limit'] ?? 1000);
    const limit = Number.isFinite(asked) && asked > 0 ? Math.min(asked, 1000) : 1000;
    return ok({
      messages: messages.slice(0, limit).map((m) => this.#view(m)),
      has_more: messages.length > limit,
      response_metadata: { next_cursor: '' },
    });
  }

  #find(args: Record<string, unknown>): FakeMessage | undefined {
    const channel = args['channel'];
    const ts = args['ts'];
    if (typeof channel !== 'string' || typeof ts !== 'string') return undefined;
    return this.message(channel, ts);
  }

  #view(message: FakeMessage): Record<string, unknown> {
    return {
      type: 'message',
      user: message.user,
      bot_id: this.identity.botId,
      text: message.text,
      ts: message.ts,
      ...(message.threadTs === undefined ? {} : { thread_ts: message.threadTs }),
      ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
    };
  }
}
