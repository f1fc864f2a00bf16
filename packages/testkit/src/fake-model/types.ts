/** How an answer is paced: characters per piece and a pause between pieces. */
export interface Pacing {
  /** Characters of text (or of tool-call arguments) per piece; default 4. */
  readonly chunkSize?: number;
  /** Milliseconds between pieces; default 0. */
  readonly delayMs?: number;
}

/** Answer with an HTTP error in the API's error shape (a default body per status when `body` is left out). */
export interface ErrorBehaviour {
  readonly type: 'error';
  readonly status: number;
  /** Sent as the `retry-after` header. */
  readonly retryAfterSeconds?: number;
  /** Extra headers, such as an HTTP-date `retry-after` or `retry-after-ms`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: object;
}

/**
 * Send the headers and `afterChunks` pieces of text, then go silent until the client aborts or the fake
 * closes. With `afterChunks` 0 or left out, not even the headers are sent.
 */
export interface StallBehaviour extends Pacing {
  readonly type: 'stall';
  readonly afterChunks?: number;
  readonly text?: string;
}

/** Send the headers and `afterChunks` pieces of text, then destroy the socket. */
export interface CutBehaviour extends Pacing {
  readonly type: 'cut';
  readonly afterChunks: number;
  readonly text: string;
}

/** Send `afterChunks` pieces of text (default 0), then an event whose data is not JSON, then end. */
export interface MalformedBehaviour extends Pacing {
  readonly type: 'malformed';
  readonly afterChunks?: number;
  readonly text?: string;
}

/** What a fake can do with a `GET /v1/models` instead of listing its models. */
export type ModelsFailure = ErrorBehaviour | StallBehaviour | CutBehaviour;

/** How a recorded request ended. */
export type RequestOutcome = 'pending' | 'completed' | 'client-closed' | 'cut' | 'server-closed';

/** A request's headers, names lower-cased, repeated ones joined with `, `. */
export interface RecordedHeaders {
  readonly authorization?: string;
  readonly 'x-api-key'?: string;
  readonly 'content-type'?: string;
  readonly [name: string]: string | undefined;
}

/** One request a fake received. */
export interface RecordedRequest {
  readonly method: string;
  /** The path without the query, such as `/v1/chat/completions`. */
  readonly path: string;
  /** Lower-cased header names; the key headers included, so tests can check that the key is sent. */
  readonly headers: RecordedHeaders;
  /** The parsed JSON body; `undefined` when there was none. */
  readonly body: unknown;
  /** `Date.now()` when it arrived. */
  readonly at: number;
  /** Updated when the answer ends: `client-closed` means the client hung up before the answer finished. */
  outcome: RequestOutcome;
  /** `Date.now()` when the connection closed (the answer finished, or either side hung up). */
  endedAt?: number;
}

/** A fake model server on 127.0.0.1 that answers by a script of behaviours and records every request. */
export interface FakeModelServer<TBehaviour> {
  /** The base URL to give the SDK. */
  readonly url: string;
  /** Queue behaviours for the next answer requests, one per request, first in first out. */
  enqueue(...behaviours: TBehaviour[]): void;
  /**
   * Script answers by request: `rule` sees each answer request (its parsed body included) and returns
   * the behaviour for it — "on this request, answer with these tool calls" — or `undefined` to leave it
   * to older rules, then the queue, then the default. Newer rules are asked first.
   */
  respond(rule: (request: RecordedRequest) => TBehaviour | undefined): void;
  /** Queue failures for the next `GET /v1/models` requests. */
  enqueueModels(...failures: ModelsFailure[]): void;
  /** Replace the behaviour used when the queue is empty. */
  setDefault(behaviour: TBehaviour): void;
  /** Every request received, in order (all routes). */
  readonly requests: readonly RecordedRequest[];
  /** `requests.length`. */
  readonly requestCount: number;
  /** Forget recorded requests, queued behaviours and rules (the default stays). */
  reset(): void;
  /** Stop, destroying every open connection (stalled streams included). */
  close(): Promise<void>;
}
