import type { ChatMessage, FinishReason, ToolSpec, Usage } from '@switchboard/core';

/**
 * The messages between the box and its model process (Node IPC, JSON). Types only: both sides import
 * this file, and the parent must never load node-llama-cpp.
 */

/** How the child loads its one model. */
export interface ChildSettings {
  readonly modelPath: string;
  /** Threads for getLlama's `maxThreads` and the context. */
  readonly threads: number;
  /** Sequences of the one context: answers generated at the same time. */
  readonly parallel: number;
  /** Tokens per sequence. */
  readonly contextSize: number;
  readonly gpu: 'auto' | false;
  /** Text chunks are sent at most this often, the first at once (see `child/delta-batcher.ts`); 0: each. */
  readonly streamIntervalMs: number;
}

/** One answer to generate. */
export interface GenerateRequest {
  readonly messages: readonly ChatMessage[];
  readonly tools: readonly ToolSpec[];
  /** Tokens the answer may use; the child caps it at half the context when unset. */
  readonly maxOutputTokens?: number;
  readonly temperature?: number;
  /** Constrain the answer to JSON matching this schema (a llama.cpp grammar); ignored when tools are given. */
  readonly responseSchema?: { readonly [key: string]: unknown };
  /**
   * Testing only: bias the first tokens into the chat template's tool-call prefix (one call); when the
   * conversation ends with tool results, forbid that prefix instead (the model answers, a tool loop ends).
   */
  readonly forceToolCall: boolean;
}

/** Parent → child. */
export type ParentMessage =
  | { readonly type: 'load'; readonly settings: ChildSettings }
  | { readonly type: 'generate'; readonly id: number; readonly request: GenerateRequest }
  | { readonly type: 'abort'; readonly id: number }
  | { readonly type: 'ping'; readonly seq: number }
  /** A side request (no sequence needed): token counts with the model's tokenizer, or embeddings. */
  | {
      readonly type: 'measure';
      readonly id: number;
      readonly what: 'count-tokens' | 'embed';
      readonly texts: readonly string[];
    };

/** Child → parent. */
export type ChildMessage =
  /** The child is listening (sent before it loads anything). */
  | { readonly type: 'hello' }
  | {
      readonly type: 'ready';
      readonly chatWrapper: string;
      readonly contextSize: number;
      readonly gpu: string;
      /** Threads of the persistent thread pool attached to the context; 0: none (fresh threads per token). */
      readonly threadpool: number;
    }
  /** The model could not be loaded; the child waits to be ended. */
  | { readonly type: 'load-failed'; readonly message: string }
  /** Answer text: `chunks` chunks as node-llama-cpp detokenized them, joined. */
  | { readonly type: 'delta'; readonly id: number; readonly text: string; readonly chunks: number }
  /** Tokens are being generated but held back (a possible tool-call trigger); keeps the hang watchdog calm. */
  | { readonly type: 'alive'; readonly id: number }
  | {
      readonly type: 'tool-call';
      readonly id: number;
      readonly name: string;
      readonly arguments: unknown;
    }
  | { readonly type: 'finish'; readonly id: number; readonly reason: FinishReason; readonly usage: Usage }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'pong'; readonly seq: number }
  /** The answer to a `measure`: token counts, or one vector per text. */
  | {
      readonly type: 'measured';
      readonly id: number;
      readonly counts?: number[];
      readonly vectors?: number[][];
    }
  | { readonly type: 'measure-failed'; readonly id: number; readonly message: string }
  | { readonly type: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string };
