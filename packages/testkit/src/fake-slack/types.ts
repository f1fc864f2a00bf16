/** Options of {@link startFakeSlack}; every field has a sensible default. */
export interface FakeSlackOptions {
  /** The signing secret deliveries are signed with. Default `fake-signing-secret-0123456789`. */
  readonly signingSecret?: string;
  /** The bot token Web API calls must carry. Default `xoxb-fake-bot-token`. */
  readonly botToken?: string;
  /** The app-level token `apps.connections.open` wants. Default `xapp-fake-app-token`. */
  readonly appToken?: string;
  readonly teamId?: string;
  readonly botUserId?: string;
  readonly botId?: string;
  /**
   * Whether `chat.startStream` works. `true` (default), or the error code it fails with
   * (`unknown_method`, `not_allowed_token_type`, …) to play a workspace without native streaming.
   */
  readonly streaming?: true | string;
  /** How long Slack waits for an acknowledgement. Default 3000 ms, as Slack. */
  readonly ackDeadlineMs?: number;
  /** Interval of server pings on Socket Mode connections. Default 10 s. */
  readonly socketPingIntervalMs?: number;
}

/** One Web API call the fake received, with its arguments (JSON fields already parsed). */
export interface RecordedCall {
  readonly method: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** `Date.now()` when the call arrived. */
  readonly at: number;
  /** How the fake answered: `ok`, the Slack error code, or `ratelimited` for a 429. */
  outcome: string;
}

/** A message as the fake stores it. */
export interface FakeMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | undefined;
  /** The author: the bot's user id for messages the bot posted. */
  readonly user: string;
  text: string;
  blocks: readonly unknown[] | undefined;
  /** `streaming` while chat.*Stream appends to it, `stopped` after chat.stopStream. */
  stream: 'streaming' | 'stopped' | undefined;
  /** How many times chat.update or chat.appendStream changed it. */
  edits: number;
}

/** A 429 rule: the next `times` calls of `method` (in `channel`, when given) are refused. */
export interface RateLimitRule {
  readonly method: string;
  readonly channel?: string;
  /** How many calls are refused; default 1. */
  readonly times?: number;
  /** Sent as `Retry-After`; default 1. */
  readonly retryAfterSeconds?: number;
}

/** An injected failure: the next matching call answers `{ok:false, error}`. */
export interface FailureRule {
  readonly method: string;
  readonly error: string;
  readonly channel?: string;
  readonly times?: number;
}

/** What a delivery carries: a slash command's form fields, an Events API body, or an interaction payload. */
export type SlackDelivery =
  | { readonly kind: 'command'; readonly fields: Readonly<Record<string, string>> }
  | { readonly kind: 'event'; readonly body: Readonly<Record<string, unknown>> }
  | { readonly kind: 'interaction'; readonly payload: Readonly<Record<string, unknown>> };

/** How a signed HTTP delivery is made, to test verification. */
export interface DeliveryOptions {
  /** Seconds added to now for `X-Slack-Request-Timestamp` (and the signature). Default 0. */
  readonly timestampOffsetSeconds?: number;
  /** Sent as `X-Slack-Retry-Num` with `X-Slack-Retry-Reason`. */
  readonly retryNum?: number;
  readonly retryReason?: string;
  /** `bad`: signed with another secret; `missing`: no signature header. */
  readonly signature?: 'valid' | 'bad' | 'missing';
  /** Leave out `X-Slack-Request-Timestamp`. */
  readonly omitTimestamp?: boolean;
  /** Change the body after signing it. */
  readonly tamper?: (body: string) => string;
}

/** What came back from a delivery, and how fast. */
export interface DeliveryResult {
  /** The HTTP status, or 0 when Slack gave up waiting (no answer within the ack deadline). */
  readonly status: number;
  readonly body: string;
  readonly contentType: string | null;
  /** Milliseconds until the answer's headers arrived. */
  readonly ackMs: number;
  /** True when no answer came within the ack deadline (Slack would call it a failure and retry). */
  readonly timedOut: boolean;
}

/** An acknowledgement received over Socket Mode. */
export interface SocketAck {
  readonly envelopeId: string;
  readonly payload: unknown;
  readonly ackMs: number;
  readonly timedOut: boolean;
}

/** A POST to a `response_url` the fake handed out. */
export interface RecordedResponse {
  readonly id: string;
  readonly body: unknown;
  readonly at: number;
}

/** The Socket Mode side of the fake. */
export interface FakeSocketMode {
  /** How many Socket Mode connections are open. */
  readonly connections: number;
  /** Resolves once at least one client has connected and was greeted with `hello`. */
  waitForConnection(timeoutMs?: number): Promise<void>;
  /**
   * Send an envelope on the newest connection and wait for its ack (or the ack deadline).
   * `retryAttempt` > 0 plays a Slack retry of the same payload.
   */
  send(
    delivery: SlackDelivery,
    options?: { readonly retryAttempt?: number; readonly retryReason?: string },
  ): Promise<SocketAck>;
  /** Ask every client to reconnect (`{type:'disconnect', reason:'refresh_requested'}`). */
  refresh(): void;
}

/** A fake Slack on 127.0.0.1: Web API, signed HTTP deliveries and Socket Mode, recording everything. */
export interface FakeSlack {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT/api/`: pass as `SLACK_API_URL`. */
  readonly apiUrl: string;
  readonly signingSecret: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  /** Every Web API call, in arrival order. */
  readonly calls: readonly RecordedCall[];
  /** Calls of one method. */
  callsOf(method: string): RecordedCall[];
  /** Resolves with the first call (already made or still to come) that matches; rejects after `timeoutMs`. */
  waitForCall(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Every message, in posting order. */
  readonly messages: readonly FakeMessage[];
  message(channel: string, ts: string): FakeMessage | undefined;
  /** Messages in one thread (replies only, not the root). */
  thread(channel: string, threadTs: string): FakeMessage[];
  /** Resolves once `predicate` holds for some message; rejects after `timeoutMs`. */
  waitForMessage(predicate: (message: FakeMessage) => boolean, timeoutMs?: number): Promise<FakeMessage>;
  /** Refuse the next matching calls with HTTP 429 and `Retry-After`. */
  rateLimit(rule: RateLimitRule): void;
  /** Fail the next matching calls with a Slack error code. */
  failNext(rule: FailureRule): void;
  /** Switch native streaming on (`true`) or off (the error code chat.startStream answers). */
  setStreaming(streaming: true | string): void;
  /** POSTs to `response_url`s. */
  readonly responses: readonly RecordedResponse[];
  /** Sign and POST a delivery to `target` (the box's `/slack/events`), timing the answer. */
  deliver(target: string, delivery: SlackDelivery, options?: DeliveryOptions): Promise<DeliveryResult>;
  /** POST an arbitrary body (signed unless `sign` is false), for malformed-payload tests. */
  deliverRaw(
    target: string,
    body: string,
    options?: { readonly contentType?: string; readonly sign?: boolean },
  ): Promise<DeliveryResult>;
  readonly socket: FakeSocketMode;
  close(): Promise<void>;
}
