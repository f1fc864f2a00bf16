import {
  type AdapterLimits,
  type Button,
  type ChatAdapter,
  type EventSink,
  type OutboundMessage,
  type Platform,
  PlatformError,
  type ReplyAddress,
  type ReplyPart,
  type SentMessage,
  sleep,
} from '@switchboard/core';

/** The adapter methods a {@link RecordingAdapter} records. */
export type RecordedMethod = 'post' | 'edit' | 'typing' | 'stream';

/** One call the adapter received. `endedAt` and `error` are filled in when it finishes. */
export interface RecordedCall {
  readonly method: RecordedMethod;
  /** When the call started, in ms on `performance.now()`'s clock. */
  readonly at: number;
  /** When it finished (resolved or threw); undefined while it runs. */
  endedAt: number | undefined;
  readonly address: ReplyAddress;
  /** The message id: the new one for a post, the edited one for an edit. */
  sentId: string | undefined;
  readonly text: string | undefined;
  readonly buttons: readonly Button[] | undefined;
  readonly final: boolean | undefined;
  /** The code of the error the call threw, if it failed. */
  error: string | undefined;
}

/** One native stream the adapter consumed: every part, in order. */
export interface RecordedStream {
  readonly address: ReplyAddress;
  readonly parts: ReplyPart[];
  /** True once the parts ended. */
  ended: boolean;
}

/** The facts a latency function or an injected failure's `when` may look at. */
export interface CallInfo {
  readonly method: RecordedMethod;
  readonly address: ReplyAddress;
  readonly sentId: string | undefined;
  readonly text: string | undefined;
}

/** Options of a {@link RecordingAdapter}. */
export interface RecordingAdapterOptions {
  readonly platform?: Platform;
  /** Defaults: 4096 characters, 0 ms between edits, edits allowed, 8 buttons. */
  readonly limits?: Partial<AdapterLimits>;
  /** Artificial latency of every call, in ms, or per call. */
  readonly latencyMs?: number | ((call: CallInfo) => number);
  /**
   * Native streaming: `'consume'` reads every part and resolves a message; `'decline'` resolves null
   * without reading. Left out, the adapter has no `stream` method.
   */
  readonly stream?: 'consume' | 'decline';
  /** Whether the adapter has a `typing` method. Default true. */
  readonly typing?: boolean;
}

interface Injection {
  readonly method: RecordedMethod;
  readonly error: () => Error;
  remaining: number;
  readonly when: ((call: CallInfo) => boolean) | undefined;
}

/**
 * A fake {@link ChatAdapter} that records every call and holds the engine to real platform limits: a
 * post or edit longer than `maxLength`, with more than `maxButtons` buttons or with blank text is
 * rejected (non-retryable `PlatformError`), and so is an edit to the text the message already shows
 * (`not_modified`, like Telegram's "message is not modified"). Failures and 429s can be injected.
 */
export class RecordingAdapter implements ChatAdapter {
  readonly platform: Platform;
  readonly limits: AdapterLimits;
  /** Every call, in the order they started. */
  readonly calls: RecordedCall[] = [];
  /** What the platform shows: message id → current text, in posting order. */
  readonly messages = new Map<string, string>();
  /** Buttons shown under each message. */
  readonly buttons = new Map<string, readonly Button[]>();
  /** Native streams consumed. */
  readonly streams: RecordedStream[] = [];
  declare readonly stream?: NonNullable<ChatAdapter['stream']>;
  declare readonly typing?: NonNullable<ChatAdapter['typing']>;
  sink: EventSink | undefined;
  readonly #latency: RecordingAdapterOptions['latencyMs'];
  readonly #injections: Injection[] = [];
  readonly #listeners = new Set<() => void>();
  #nextId = 1;

  constructor(options: RecordingAdapterOptions = {}) {
    this.platform = options.platform ?? 'telegram';
    this.limits = { maxLength: 4096, minEditIntervalMs: 0, canEdit: true, maxButtons: 8, ...options.limits };
    this.#latency = options.latencyMs;
    const mode = options.stream;
    if (mode !== undefined) {
      Object.defineProperty(this, 'stream', {
        value: (to: ReplyAddress, parts: AsyncIterable<ReplyPart>) => this.#stream(mode, to, parts),
      });
    }
    if (options.typing !== false) {
      Object.defineProperty(this, 'typing', { value: (to: ReplyAddress) => this.#typing(to) });
    }
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = undefined;
  }

  async post(to: ReplyAddress, message: OutboundMessage): Promise<SentMessage> {
    const call = this.#record('post', to, undefined, message);
    return this.#finish(call, () => {
      this.#checkMessage('post', message);
      const id = `m${this.#nextId++}`;
      call.sentId = id;
      this.messages.set(id, message.text);
      if (message.buttons !== undefined) this.buttons.set(id, message.buttons);
      return { platform: this.platform, id, address: to };
    });
  }

  async edit(sent: SentMessage, message: OutboundMessage): Promise<void> {
    const call = this.#record('edit', sent.address, sent.id, message);
    return this.#finish(call, () => {
      const current = this.messages.get(sent.id);
      if (current === undefined)
        throw this.#reject('edit', 'message_not_found', `No message ${sent.id} to edit.`);
      this.#checkMessage('edit', message);
      if (current === message.text) throw this.#reject('edit', 'not_modified', 'Message is not modified.');
      this.messages.set(sent.id, message.text);
      if (message.buttons !== undefined) this.buttons.set(sent.id, message.buttons);
      else this.buttons.delete(sent.id);
    });
  }

  /** Fail the next `count` calls of `method` (those matching `when`) with `error`. */
  failNext(
    method: RecordedMethod,
    error: Error,
    options: { count?: number; when?: (call: CallInfo) => boolean } = {},
  ): void {
    this.#injections.push({ method, error: () => error, remaining: options.count ?? 1, when: options.when });
  }

  /** Answer the next `count` calls of `method` (those matching `when`) with a 429 and `retryAfterMs`. */
  rateLimitNext(
    method: RecordedMethod,
    retryAfterMs: number,
    options: { count?: number; when?: (call: CallInfo) => boolean } = {},
  ): void {
    const error = () =>
      new PlatformError({
        code: 'rate_limited',
        message: `Too many requests: retry after ${retryAfterMs} ms.`,
        method,
        retryAfterMs,
      });
    this.#injections.push({ method, error, remaining: options.count ?? 1, when: options.when });
  }

  /** The calls of one method (post and edit when left out) in start order. */
  callsOf(...methods: RecordedMethod[]): RecordedCall[] {
    const wanted = methods.length > 0 ? methods : ['post', 'edit'];
    return this.calls.filter((call) => wanted.includes(call.method));
  }

  /** The texts the platform shows, in posting order. */
  shown(): string[] {
    return [...this.messages.values()];
  }

  /**
   * Resolves once `predicate` holds, checked now and after every call starts or finishes; rejects after
   * `timeoutMs` (default 5 s).
   */
  waitFor(predicate: (adapter: this) => boolean, timeoutMs = 5000): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate(this)) return;
        clearTimeout(timer);
        this.#listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        reject(
          new Error(
            `RecordingAdapter.waitFor: condition not met within ${timeoutMs} ms (${this.calls.length} calls)`,
          ),
        );
      }, timeoutMs);
      this.#listeners.add(check);
    });
  }

  async #typing(to: ReplyAddress): Promise<void> {
    const call = this.#record('typing', to, undefined, undefined);
    return this.#finish(call, () => undefined);
  }

  async #stream(
    mode: 'consume' | 'decline',
    to: ReplyAddress,
    parts: AsyncIterable<ReplyPart>,
  ): Promise<SentMessage | null> {
    const call = this.#record('stream', to, undefined, undefined);
    if (mode === 'decline') return this.#finish(call, () => null);
    const recorded: RecordedStream = { address: to, parts: [], ended: false };
    this.streams.push(recorded);
    let text = '';
    for await (const part of parts) {
      recorded.parts.push(part);
      if (part.type === 'text-delta') text += part.delta;
      if (part.type === 'reply-end') text = part.text;
      this.#notify();
    }
    recorded.ended = true;
    return this.#finish(call, () => {
      const id = `m${this.#nextId++}`;
      call.sentId = id;
      this.messages.set(id, text);
      return { platform: this.platform, id, address: to };
    });
  }

  #record(
    method: RecordedMethod,
    address: ReplyAddress,
    sentId: string | undefined,
    message: OutboundMessage | undefined,
  ): RecordedCall {
    const call: RecordedCall = {
      method,
      at: performance.now(),
      endedAt: undefined,
      address,
      sentId,
      text: message?.text,
      buttons: message?.buttons,
      final: message?.final,
      error: undefined,
    };
    this.calls.push(call);
    this.#notify();
    return call;
  }

  /** Wait the latency, then fail with an injected error or run `effect`; record the outcome. */
  async #finish<T>(call: RecordedCall, effect: () => T): Promise<T> {
    const info: CallInfo = {
      method: call.method,
      address: call.address,
      sentId: call.sentId,
      text: call.text,
    };
    const injected = this.#takeInjection(info);
    const latency = typeof this.#latency === 'function' ? this.#latency(info) : (this.#latency ?? 0);
    if (latency > 0) await sleep(latency);
    try {
      if (injected !== undefined) throw injected;
      return effect();
    } catch (error) {
      call.error = PlatformError.isInstance(error) ? error.code : String(error);
      throw error;
    } finally {
      call.endedAt = performance.now();
      this.#notify();
    }
  }

  #takeInjection(info: CallInfo): Error | undefined {
    const index = this.#injections.findIndex(
      (injection) => injection.method === info.method && (injection.when?.(info) ?? true),
    );
    const injection = this.#injections[index];
    if (injection === undefined) return undefined;
    injection.remaining -= 1;
    if (injection.remaining <= 0) this.#injections.splice(index, 1);
    return injection.error();
  }

  #checkMessage(method: 'post' | 'edit', message: OutboundMessage): void {
    if (message.text.trim() === '') throw this.#reject(method, 'empty_message', 'Message text is empty.');
    if (message.text.length > this.limits.maxLength) {
      throw this.#reject(
        method,
        'message_too_long',
        `Message is ${message.text.length} characters; the limit is ${this.limits.maxLength}.`,
      );
    }
    if ((message.buttons?.length ?? 0) > this.limits.maxButtons) {
      throw this.#reject(
        method,
        'too_many_buttons',
        `Message has ${message.buttons?.length} buttons; the limit is ${this.limits.maxButtons}.`,
      );
    }
  }

  #reject(method: string, code: string, message: string): PlatformError {
    return new PlatformError({ code, message, method, retryable: false });
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
