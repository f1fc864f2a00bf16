import type { ReplyChannel } from '../replies';
import { shortId } from './describe';

/** When a task moves to the background, and how often it may report progress there. */
export interface BackgroundTiming {
  /** `TASK_FOREGROUND_SECONDS`: how long a request waits for its task before it goes on in the background. */
  readonly foregroundMs: number;
  /** `TASK_PROGRESS_SECONDS`: the least time between two progress lines of a background task. */
  readonly progressMs: number;
}

/** The defaults: 20 s in the foreground, a progress line at most every 60 s. */
export const DEFAULT_BACKGROUND_TIMING: BackgroundTiming = { foregroundMs: 20_000, progressMs: 60_000 };

/** What the chat reads when its task goes on in the background. */
export function workingOnIt(taskId: string): string {
  return `working on it — task #${shortId(taskId)}. I will post the answer here when it is done (/task ${shortId(taskId)} shows its steps, /cancel ${shortId(taskId)} stops it).`;
}

/**
 * A reply channel that, once its request went on in the background, lets through at most one status
 * line (progress) every `progressMs`; everything else passes unchanged.
 */
export class ProgressReply implements ReplyChannel {
  readonly #reply: ReplyChannel;
  readonly #progressMs: number;
  readonly #now: () => number;
  #lastProgressAt = Number.NEGATIVE_INFINITY;

  constructor(reply: ReplyChannel, progressMs: number, now: () => number) {
    this.#reply = reply;
    this.#progressMs = progressMs;
    this.#now = now;
  }

  async send(...[part]: Parameters<ReplyChannel['send']>): Promise<void> {
    if (part.type === 'status' && this.#reply.inBackground) {
      const at = this.#now();
      if (at - this.#lastProgressAt < this.#progressMs) return;
      this.#lastProgressAt = at;
    }
    await this.#reply.send(part);
  }

  /** Go on in the background: tell the chat so, and count that line as the first progress line. */
  async moveToBackground(taskId: string): Promise<void> {
    this.#reply.continueInBackground();
    this.#lastProgressAt = this.#now();
    await this.#reply.send({ type: 'status', text: workingOnIt(taskId), background: { taskId } });
  }

  finish(...args: Parameters<ReplyChannel['finish']>): Promise<void> {
    return this.#reply.finish(...args);
  }
  bind(taskId: string): void {
    this.#reply.bind(taskId);
  }
  leaveUnanswered(reason: string): void {
    this.#reply.leaveUnanswered(reason);
  }
  continueInBackground(): void {
    this.#reply.continueInBackground();
  }
  get taskId(): string | undefined {
    return this.#reply.taskId;
  }
  get ended(): boolean {
    return this.#reply.ended;
  }
  get left(): boolean {
    return this.#reply.left;
  }
  get inBackground(): boolean {
    return this.#reply.inBackground;
  }
}

/**
 * Wait for `work` up to `foregroundMs`: true when it settled in time (its rejection is rethrown), false
 * when it is still running.
 */
export async function settlesWithin(work: Promise<unknown>, foregroundMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), foregroundMs);
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
