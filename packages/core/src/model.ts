import type { ModelError } from './errors';
import type { Usage } from './reply';

/** A model's name: `provider:model`, such as `openai:gpt-4o-mini` or `llama:qwen2.5-0.5b`. */
export type ModelRef = `${string}:${string}`;

/** One turn of a conversation as a model sees it. */
export type ChatMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls?: readonly ToolCall[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly content: string };

/** A tool the model may call: a name, a description and a JSON schema for its arguments. */
export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  readonly parameters: { readonly [key: string]: unknown };
}

/** A tool call the model made, with its arguments parsed. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: unknown;
}

/** Everything a model needs for one call. */
export interface ModelCall {
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolSpec[];
  readonly maxOutputTokens?: number;
  readonly temperature?: number;
  /**
   * Answer with JSON matching this JSON schema (a grammar on local models, structured output where a
   * cloud API has it, otherwise the instructions alone). Used by the cascade's grader.
   */
  readonly responseSchema?: { readonly [key: string]: unknown };
}

/** Why a model stopped. */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'abort' | 'other';

/**
 * One piece of a model's answer. Streams end with one `finish` or one `error`; an error inside a stream
 * is a part, never a thrown exception.
 */
export type ModelPart =
  | { readonly type: 'text-delta'; readonly delta: string }
  | { readonly type: 'tool-call'; readonly call: ToolCall }
  | { readonly type: 'finish'; readonly reason: FinishReason; readonly usage: Usage }
  | { readonly type: 'error'; readonly error: ModelError }
  /**
   * The request waits for a free slot (a local model serving its maximum of parallel answers);
   * `position` 1 is next. Sent again whenever the position changes; no text has been produced yet.
   */
  | { readonly type: 'queued'; readonly position: number };

/** Whether a model can take requests now, for the router and `switchboard models`. */
export interface ModelHealth {
  /** False while the model cannot answer (its process crashed and is restarting, its file is missing). */
  readonly available: boolean;
  /** A short phrase: "ready", "restarting after a crash", "loading". */
  readonly detail: string;
}

/** One model of one provider. */
export interface LanguageModel {
  readonly ref: ModelRef;
  /** `local` models never send data off the machine. */
  readonly locality: 'local' | 'cloud';
  /** True for the generated demo model: random weights, every reply is labelled as a demo. */
  readonly demo?: boolean;
  /** Current health; models without it are assumed available (the router's circuit breaker still applies). */
  health?(): ModelHealth;
  /** Tokens of context one answer may use (prompt and answer together), where the model has a limit known here. */
  readonly contextTokens?: number;
  /**
   * The exact token count of each text with the model's own tokenizer (node-llama-cpp for local models).
   * Models without it are measured by a close estimate.
   */
  countTokens?(texts: readonly string[]): Promise<number[]>;
  stream(call: ModelCall, signal: AbortSignal): AsyncIterable<ModelPart>;
}

/** Split `provider:model` into its parts; the model part may itself contain colons. */
export function parseModelRef(ref: string): { provider: string; model: string } | undefined {
  const colon = ref.indexOf(':');
  if (colon <= 0 || colon === ref.length - 1) return undefined;
  return { provider: ref.slice(0, colon), model: ref.slice(colon + 1) };
}

/** What `switchboard doctor` and the router learn from probing a provider. */
export interface ProviderCheck {
  readonly ok: boolean;
  /** A sentence: what works, or what to fix ("OpenAI rejected the key: check OPENAI_API_KEY"). */
  readonly detail: string;
}

/** A model backend (openai, anthropic, llama) and the models it offers. */
export interface ModelProvider {
  /** The `provider` part of every ref it offers. */
  readonly name: string;
  readonly locality: 'local' | 'cloud';
  /** Its models; the first is the provider's default. */
  readonly models: readonly LanguageModel[];
  /** Probe the backend (credentials, reachability) without spending tokens where possible. */
  check(signal: AbortSignal): Promise<ProviderCheck>;
  close?(): Promise<void>;
}
