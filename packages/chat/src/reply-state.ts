import { type Deferred, deferred, type ReplyMeta, type ReplyPart } from '@switchboard/core';

/** An approval request waiting to be posted. */
export type ApprovalPart = Extract<ReplyPart, { type: 'approval-request' }>;

/** An approval request, and how much text had streamed when it came (the reply continues below it). */
export interface PendingApproval {
  readonly part: ApprovalPart;
  readonly at: number;
}

/** How a reply ended. */
export type ReplyEnd =
  | { readonly kind: 'reply'; readonly text: string; readonly meta?: ReplyMeta }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

/**
 * What a request's parts add up to so far. Parts are applied synchronously as they arrive; delivery
 * loops read the state and wait for {@link ReplyState.changed} — so a loop always works from the newest
 * text and never from a backlog of parts.
 */
export class ReplyState {
  /** The answer text streamed so far. */
  text = '';
  /** The latest status line, until text or another status replaces it. */
  status: string | undefined;
  /** Approval requests not yet posted, oldest first. */
  readonly approvals: PendingApproval[] = [];
  /** Set by `reply-end` or `error`. */
  end: ReplyEnd | undefined;
  /** How many parts were applied. */
  received = 0;
  #changed: Deferred<void> = deferred<void>();

  /** Apply one part. Returns false (and changes nothing) once the reply has ended. */
  apply(part: ReplyPart): boolean {
    if (this.end !== undefined) return false;
    this.received += 1;
    switch (part.type) {
      case 'status':
        this.status = part.text === '' ? undefined : part.text;
        break;
      case 'text-delta':
        if (part.delta !== '') {
          this.text += part.delta;
          this.status = undefined;
        }
        break;
      case 'approval-request':
        this.approvals.push({ part, at: this.text.length });
        break;
      case 'reply-end':
        this.end = { kind: 'reply', text: part.text, meta: part.meta };
        break;
      case 'error':
        this.end = { kind: 'error', code: part.code, message: part.message };
        break;
    }
    const changed = this.#changed;
    this.#changed = deferred<void>();
    changed.resolve();
    return true;
  }

  /**
   * Resolves at the next applied part, after `timeoutMs` when given, or rejects when `signal` aborts.
   * Take it right after reading the state (no await in between) and no change can be missed.
   */
  changed(signal: AbortSignal, timeoutMs?: number): Promise<void> {
    signal.throwIfAborted();
    const waiting = this.#changed.promise;
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        done();
        reject(signal.reason);
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(
              () => {
                done();
                resolve();
              },
              Math.max(0, Math.ceil(timeoutMs)),
            );
      signal.addEventListener('abort', onAbort, { once: true });
      void waiting.then(() => {
        done();
        resolve();
      });
    });
  }
}
