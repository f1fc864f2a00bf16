import type {
  CutBehaviour,
  ErrorBehaviour,
  FakeModelServer,
  MalformedBehaviour,
  Pacing,
  StallBehaviour,
} from '../fake-model';

/** Token counts a fake answer reports; computed from the request and the answer when left out. */
export interface FakeAnthropicUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
}

/** Answer with this text, streamed in `text_delta`s of `chunkSize` characters. */
export interface TextBehaviour extends Pacing {
  readonly type: 'text';
  readonly text: string;
  readonly usage?: FakeAnthropicUsage;
  /** Default `end_turn`. */
  readonly stopReason?: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'refusal';
}

/** Answer "You said: <last user text>". */
export interface EchoBehaviour extends Pacing {
  readonly type: 'echo';
  readonly usage?: FakeAnthropicUsage;
}

/** One tool the fake model calls; a string `input` is streamed as is (to test invalid JSON). */
export interface FakeToolUse {
  readonly name: string;
  readonly input: object | string;
  /** Default `toolu_<request>_<index>`. */
  readonly id?: string;
}

/** Call tools (optionally after some text); each input is split across several `input_json_delta`s. */
export interface ToolCallsBehaviour extends Pacing {
  readonly type: 'tool-calls';
  readonly calls: readonly FakeToolUse[];
  readonly text?: string;
  readonly usage?: FakeAnthropicUsage;
}

/** Stream `afterChunks` text deltas (default 0), then an `error` event (default `overloaded_error`) and end. */
export interface ErrorEventBehaviour extends Pacing {
  readonly type: 'error-event';
  readonly afterChunks?: number;
  readonly text?: string;
  readonly errorType?: string;
  readonly message?: string;
}

/** What the fake does with one `POST /v1/messages`. */
export type Behaviour =
  | TextBehaviour
  | EchoBehaviour
  | ToolCallsBehaviour
  | ErrorBehaviour
  | ErrorEventBehaviour
  | StallBehaviour
  | CutBehaviour
  | MalformedBehaviour;

/** Options of {@link startFakeAnthropic}. */
export interface FakeAnthropicOptions {
  /** What to do when the queue is empty; default `{ type: 'echo' }`. */
  readonly defaultBehaviour?: Behaviour;
  /**
   * When set, every request must carry this key as `x-api-key` or `Authorization: Bearer`; otherwise any
   * key is accepted. A request with neither header always gets a 401.
   */
  readonly apiKey?: string;
  /** The ids `GET /v1/models` lists; default `['claude-fake']`. */
  readonly models?: readonly string[];
}

/** A fake Anthropic Messages API on 127.0.0.1; `url` is `http://127.0.0.1:PORT` (the SDK adds `/v1/…`). */
export type FakeAnthropic = FakeModelServer<Behaviour>;
