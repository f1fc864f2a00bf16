import type {
  CutBehaviour,
  ErrorBehaviour,
  FakeModelServer,
  MalformedBehaviour,
  Pacing,
  StallBehaviour,
} from '../fake-model';
import type { MarkedBehaviour } from './marked';

/** Token counts a fake answer reports; computed from the request and the answer when left out. */
export interface FakeUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
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

/** What the fake does with one request to `/v1/chat/completions`. */
export type Behaviour =
  | TextBehaviour
  | EchoBehaviour
  | ToolCallsBehaviour
  | MarkedBehaviour
  | ErrorBehaviour
  | StallBehaviour
  | CutBehaviour
  | MalformedBehaviour;

/** Options of {@link startFakeOpenAI}. */
export interface FakeOpenAIOptions {
  /** What to do when the queue is empty; default `{ type: 'echo' }`. */
  readonly defaultBehaviour?: Behaviour;
  /** When set, every request must carry `Authorization: Bearer <apiKey>` or gets a 401. */
  readonly apiKey?: string;
  /**
   * What a request's `max_tokens` does: `honour` stops a text answer after that many pieces (one piece is
   * one token here) with `finish_reason: "length"`, as OpenAI does; `ignore` (the default, and what some
   * OpenAI-compatible servers do) sends the whole answer anyway.
   */
  readonly maxTokens?: 'honour' | 'ignore';
  /** The ids `GET /v1/models` lists; default `['fake-model']`. */
  readonly models?: readonly string[];
}

/** A fake OpenAI-compatible server on 127.0.0.1; `url` is `http://127.0.0.1:PORT/v1`. */
export type FakeOpenAI = FakeModelServer<Behaviour>;
