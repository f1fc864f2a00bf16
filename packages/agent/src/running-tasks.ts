/** The tasks this worker is running now, so `/cancel` can reach them. */
export class RunningTasks {
  readonly #tasks = new Map<
    string,
    { readonly controller: AbortController; readonly conversationKey: string }
  >();

  start(taskId: string, conversationKey: string): AbortController {
    const controller = new AbortController();
    this.#tasks.set(taskId, { controller, conversationKey });
    return controller;
  }

  finish(taskId: string): void {
    this.#tasks.delete(taskId);
  }

  /** Abort a running task; false when this worker is not running it. */
  cancel(taskId: string, reason: string): boolean {
    const task = this.#tasks.get(taskId);
    if (!task) return false;
    task.controller.abort(new Error(reason));
    return true;
  }

  /** Abort every running task (shutdown). */
  cancelAll(reason: string): void {
    for (const task of this.#tasks.values()) task.controller.abort(new Error(reason));
  }

  get size(): number {
    return this.#tasks.size;
  }
}
