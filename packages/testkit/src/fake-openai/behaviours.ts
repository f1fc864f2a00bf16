/** Token counts a fake answer reports; computed from the request and the answer when left out. */
export interface FakeUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
}

/** How an answer is paced: characters per delta and a pause between deltas. */
export interface Pacing {
  /** Characters of text (or of tool-call arguments) per chunk; default 4. */
  readonly chunkSize?: number;
  /** Milliseconds between chunks; default 0. */
  readonly delayMs?: number;
}

/** Answer with this text, streamed in deltas of `chunkSize` characters. */
export interface TextBehaviour extends Pacing {
  readonly type: 'text';
  readonly text: string;
  readonly usage?: FakeUsage;
  /** Default `stop`. */
  readonly finishReason?: 'stop' | 'length' | 'content_filter';
}

/** Answer "You said: <last user message>". */
export interface EchoBehaviour extends Pacing {
  readonly type: 'echo';
  readonly usage?: FakeUsage;
}

/** One tool call the fake model makes; a string `arguments` is sent as is (to test invalid JSON). */
export interface FakeToolCall {
  readonly name: string;
  readonly arguments: object | string;
  /** Default `call_<request>_<index>`. */
  readonly id?: string;
}

/** Call tools (optionally after some text); arguments are split across several chunks. */
export interface ToolCallsBehaviour extends Pacing {
  readonly type: 'tool-calls';
  readonly calls: readonly FakeToolCall[];
  readonly text?: string;
  readonly usage?: FakeUsage;
}

/** Answer with an HTTP error in OpenAI's error shape (a default body per status when `body` is left out). */
export interface ErrorBehaviour {
  readonly type: 'error';
  readonly status: number;
  /** Sent as the `Retry-After` header. */
  readonly retryAfterSeconds?: number;
  /** Extra headers, such as an HTTP-date `retry-after` or `retry-after-ms`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: object;
}

/**
 * Send the headers and `afterChunks` text chunks, then go silent until the client aborts or the fake
 * closes. With `afterChunks` 0 or left out, not even the headers are sent.
 */
export interface StallBehaviour extends Pacing {
  readonly type: 'stall';
  readonly afterChunks?: number;
  readonly text?: string;
}

/** Send the headers and `afterChunks` text chunks, then destroy the socket. */
export interface CutBehaviour extends Pacing {
  readonly type: 'cut';
  readonly afterChunks: number;
  readonly text: string;
}

/** Send `afterChunks` text chunks (default 0), then `data: {not json`, then end the answer. */
export interface MalformedBehaviour extends Pacing {
  readonly type: 'malformed';
  readonly afterChunks?: number;
  readonly text?: string;
}

/** What the fake does with one request to `/v1/chat/completions`. */
export type Behaviour =
  | TextBehaviour
  | EchoBehaviour
  | ToolCallsBehaviour
  | ErrorBehaviour
  | StallBehaviour
  | CutBehaviour
  | MalformedBehaviour;

/** What the fake can do with a `GET /v1/models` instead of listing its models. */
export type ModelsFailure = ErrorBehaviour | StallBehaviour | CutBehaviour;

/** How a recorded request ended. */
export type RequestOutcome = 'pending' | 'completed' | 'client-closed' | 'cut' | 'server-closed';

/** A request's headers, names lower-cased, repeated ones joined with `, `. */
export interface RecordedHeaders {
  readonly authorization?: string;
  readonly 'content-type'?: string;
  readonly [name: string]: string | undefined;
}

/** One request the fake received. */
export interface RecordedRequest {
  readonly method: string;
  /** The path without the query, such as `/v1/chat/completions`. */
  readonly path: string;
  /** Lower-cased header names. */
  readonly headers: RecordedHeaders;
  /** The parsed JSON body; `undefined` when there was none. */
  readonly body: unknown;
  /** `Date.now()` when it arrived. */
  readonly at: number;
  /** Updated when the answer ends: `client-closed` means the client hung up before the answer finished. */
  outcome: RequestOutcome;
}

/** Options of {@link startFakeOpenAI}. */
export interface FakeOpenAIOptions {
  /** What to do when the queue is empty; default `{ type: 'echo' }`. */
  readonly defaultBehaviour?: Behaviour;
  /** When set, every request must carry `Authorization: Bearer <apiKey>` or gets a 401. */
  readonly apiKey?: string;
  /** The ids `GET /v1/models` lists; default `['fake-model']`. */
  readonly models?: readonly string[];
}

/** A fake OpenAI-compatible server on 127.0.0.1. */
export interface FakeOpenAI {
  /** The base URL to give the SDK: `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  /** Queue behaviours for the next chat-completion requests, one per request, first in first out. */
  enqueue(...behaviours: Behaviour[]): void;
  /** Queue failures for the next `GET /v1/models` requests. */
  enqueueModels(...failures: ModelsFailure[]): void;
  /** Replace the behaviour used when the queue is empty. */
  setDefault(behaviour: Behaviour): void;
  /** Every request received, in order (all routes). */
  readonly requests: readonly RecordedRequest[];
  /** `requests.length`. */
  readonly requestCount: number;
  /** Forget recorded requests and queued behaviours (the default stays). */
  reset(): void;
  /** Stop, destroying every open connection (stalled streams included). */
  close(): Promise<void>;
}
