import type { ModelError, ModelPart, Usage } from '@switchboard/core';
import type { GenerateRequest } from './protocol';

const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0 };

/**
 * One request as the parent tracks it, from the queue to its last part. It delivers exactly one terminal
 * part (`finish` or `error`) to its sink; anything after that is dropped.
 */
export class Generation {
  readonly id: number;
  readonly request: GenerateRequest;
  readonly #sink: (part: ModelPart) => void;
  #ended = false;
  /** When the child last showed progress on it (sent, a token, a tool call). */
  lastActivityAt = 0;
  /** True once the child produced anything for it; before that, prompt processing may take long. */
  producing = false;
  /** The last `queued` position sent, so a position is only sent again when it changes. */
  position = 0;
  /** Text chunks received, the output estimate when the child never confirms an abort. */
  chunks = 0;
  /** Set once an abort was sent to the child. */
  abortRequested = false;

  constructor(id: number, request: GenerateRequest, sink: (part: ModelPart) => void) {
    this.id = id;
    this.request = request;
    this.#sink = sink;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Pass a non-terminal part on (text, tool call, queue position). */
  push(part: ModelPart): void {
    if (!this.#ended) this.#sink(part);
  }

  /** The child showed progress. */
  touch(now: number = Date.now()): void {
    this.lastActivityAt = now;
  }

  /** End with a `finish` part. */
  finish(reason: Extract<ModelPart, { type: 'finish' }>['reason'], usage: Usage = NO_USAGE): void {
    this.#end({ type: 'finish', reason, usage });
  }

  /** End as aborted, with the output counted so far. */
  aborted(): void {
    this.finish('abort', { inputTokens: 0, outputTokens: this.chunks });
  }

  /** End with one `error` part. */
  fail(error: ModelError): void {
    this.#end({ type: 'error', error });
  }

  #end(part: ModelPart): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#sink(part);
  }
}
