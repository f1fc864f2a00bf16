/** Token counts of one model call or one task. */
export interface Usage {
  /**
   * Every prompt token the model read, whether it evaluated it now or took it from a cache (what cloud
   * APIs bill as input). A provider that cannot tell reports 0, and the agent estimates it instead.
   */
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** What the final reply tells about how it was made. */
export interface ReplyMeta {
  readonly taskId?: string;
  /** The model that answered, as `provider:model`. */
  readonly model?: string;
  /** Why the router chose that model. */
  readonly routeReason?: string;
  readonly usage?: Usage;
  /** Cost in US dollars, when a price is known. */
  readonly costUsd?: number;
  /** Milliseconds from the task's start to the first token. */
  readonly timeToFirstTokenMs?: number;
  /** Milliseconds from the task's start to its end. */
  readonly durationMs?: number;
}

/**
 * One piece of a reply, in order. The delivery engine turns a sequence of parts into platform messages.
 * Every request's parts end with exactly one `reply-end` or `error`.
 */
export type ReplyPart =
  /**
   * A status line ("thinking on llama:qwen2.5…"); replaced by the next status or by text. `background`
   * is set on the line that says the request went on in the background (ADR 0040): from then on its
   * client may go without stopping the task, and the rest of the reply comes into the conversation.
   */
  | {
      readonly type: 'status';
      readonly text: string;
      readonly background?: { readonly taskId: string };
    }
  /** More answer text. */
  | { readonly type: 'text-delta'; readonly delta: string }
  /** Ask a human to decide; answered by an `action` event. */
  | {
      readonly type: 'approval-request';
      readonly approvalId: string;
      readonly summary: string;
      readonly choices: readonly string[];
    }
  /** The final answer: `text` is the whole reply, which replaces anything streamed before. */
  | { readonly type: 'reply-end'; readonly text: string; readonly meta: ReplyMeta }
  /** The request failed; `message` is a sentence the user can act on. */
  | { readonly type: 'error'; readonly code: string; readonly message: string };

/** The part types after which no more parts come for a request. */
export function isFinalPart(part: ReplyPart): boolean {
  return part.type === 'reply-end' || part.type === 'error';
}
