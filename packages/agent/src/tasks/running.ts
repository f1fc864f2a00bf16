/**
 * The reason a running task's signal carries when its worker hands it back to the bus instead of ending
 * it (the bus is closing at shutdown, or lost the event's lease): the task goes back to `queued` with no
 * final reply, for the worker that gets the event next (ADR 0048).
 */
export class TaskHandedBack extends Error {
  constructor(cause: unknown) {
    super('the task was handed back to the queue', { cause });
    this.name = 'TaskHandedBack';
  }
}

/** How many abandoned requests that have not started yet a worker remembers (oldest forgotten first). */
const ABANDONED_MEMORY = 1000;

interface RunningTask {
  readonly controller: AbortController;
  readonly conversationKey: string;
  readonly eventId: string | undefined;
  /** The task went on in the background: its event is acknowledged, only this registry can hand it back. */
  background: boolean;
}

/**
 * The tasks this worker is running now, so `/cancel` (a control message), abandoned web requests and
 * shutdown can reach them.
 */
export class RunningTasks {
  readonly #tasks = new Map<string, RunningTask>();
  /** Event id → conversation key of requests abandoned before their task started here. */
  readonly #abandoned = new Map<string, string>();
  /** Task id → reason, of tasks cancelled (`/cancel`) while still queued. */
  readonly #cancelled = new Map<string, string>();

  /**
   * Run `work` as the running task `taskId` with a signal that `cancel`, `abandon` and `cancelAll` abort;
   * the task leaves the registry when `work` settles, however it ends. The signal is aborted at once when
   * the request `eventId` was abandoned before (its client went away while it waited in line). When
   * `handBack` (the bus's job signal) aborts, the task's signal aborts with {@link TaskHandedBack}.
   */
  async run<T>(
    taskId: string,
    conversationKey: string,
    work: (signal: AbortSignal) => Promise<T>,
    eventId?: string,
    handBack?: AbortSignal,
  ): Promise<T> {
    const controller = new AbortController();
    this.#tasks.set(taskId, { controller, conversationKey, eventId, background: false });
    const handOver = () => controller.abort(new TaskHandedBack(handBack?.reason));
    if (handBack?.aborted) handOver();
    else handBack?.addEventListener('abort', handOver, { once: true });
    const cancelled = this.#cancelled.get(taskId);
    if (cancelled !== undefined) {
      this.#cancelled.delete(taskId);
      controller.abort(new Error(cancelled));
    }
    if (eventId !== undefined && this.#abandoned.get(eventId) === conversationKey) {
      this.#abandoned.delete(eventId);
      controller.abort(new Error('the client went away before the task started'));
    }
    try {
      return await work(controller.signal);
    } finally {
      handBack?.removeEventListener('abort', handOver);
      this.#tasks.delete(taskId);
    }
  }

  /**
   * Abort a running task; false when this worker is not running it — then the task is remembered, so a
   * task still queued (waiting behind its conversation's previous one) is cancelled as it starts.
   */
  cancel(taskId: string, reason: string): boolean {
    const task = this.#tasks.get(taskId);
    if (!task) {
      this.#cancelled.set(taskId, reason);
      if (this.#cancelled.size > ABANDONED_MEMORY) {
        const oldest = this.#cancelled.keys().next().value;
        if (oldest !== undefined) this.#cancelled.delete(oldest);
      }
      return false;
    }
    task.controller.abort(new Error(reason));
    return true;
  }

  /**
   * The client of request `eventId` went away: abort its task if it runs here (and belongs to the
   * conversation), and return its id; otherwise remember the request so its task is aborted as it starts.
   */
  abandon(eventId: string, conversationKey: string, reason: string): string | undefined {
    for (const [taskId, task] of this.#tasks) {
      if (task.eventId === eventId && task.conversationKey === conversationKey) {
        task.controller.abort(new Error(reason));
        return taskId;
      }
    }
    this.#abandoned.delete(eventId);
    this.#abandoned.set(eventId, conversationKey);
    if (this.#abandoned.size > ABANDONED_MEMORY) {
      const oldest = this.#abandoned.keys().next().value;
      if (oldest !== undefined) this.#abandoned.delete(oldest);
    }
    return undefined;
  }

  /** The task `taskId` went on in the background (ADR 0040). */
  markBackground(taskId: string): void {
    const task = this.#tasks.get(taskId);
    if (task !== undefined) task.background = true;
  }

  /** True while `taskId` runs here in the background. */
  inBackground(taskId: string): boolean {
    return this.#tasks.get(taskId)?.background === true;
  }

  /**
   * Hand back every task running in the background (a shutdown on a bus that gives work to other
   * workers): their signals abort with {@link TaskHandedBack}. Tasks in the foreground are handed back
   * by their jobs' signals, when the bus closes.
   */
  handBackBackground(reason: string): void {
    for (const task of this.#tasks.values())
      if (task.background) task.controller.abort(new TaskHandedBack(new Error(reason)));
  }

  /** Abort every running task (shutdown). */
  cancelAll(reason: string): void {
    for (const task of this.#tasks.values()) task.controller.abort(new Error(reason));
  }

  get size(): number {
    return this.#tasks.size;
  }
}
