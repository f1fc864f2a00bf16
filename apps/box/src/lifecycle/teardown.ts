import { describeError, type Logger } from '@switchboard/core';

/**
 * How long a step may take: `remote` steps talk to a platform or a model server and may hang on a
 * network that went silent; `local` steps (the database, model processes, the HTTP server) release
 * what this machine holds and get the last part of the time.
 */
export type StepKind = 'remote' | 'local';

/** How long after its deadline a remote step may take to report the parts it abandoned itself. */
const REPORT_SLACK_MS = 100;

interface Step {
  readonly name: string;
  readonly kind: StepKind;
  readonly close: (deadline: number) => unknown;
}

/** When each kind of step must be done by, as epoch milliseconds. */
export interface Deadlines {
  readonly remote: number;
  readonly local: number;
}

/**
 * Deadlines for a teardown that must end within `graceMs` from now: local steps keep the last quarter
 * (at most 2 s) for themselves, so a hung platform can never keep the database from closing.
 */
export function deadlinesWithin(graceMs: number, now = Date.now()): Deadlines {
  const localReserve = Math.min(2000, Math.floor(graceMs / 4));
  return { remote: now + graceMs - localReserve, local: now + graceMs };
}

/** Resolves `true` once `work` settles, or `false` at `deadline`, whichever comes first. */
export async function settleBy(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What the box has taken so far, to give back in reverse order: on a failed start (so the next start
 * finds the port, the data folder's lock and the model processes free) and on shutdown. Each step is
 * waited for until its deadline; one still running then is abandoned with a log line, and the next
 * steps run anyway.
 */
export class Teardown {
  readonly #steps: Step[] = [];
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /**
   * Remember something to release; released before everything added earlier. `close` gets its
   * deadline; it may resolve with the names of parts it abandoned itself.
   */
  add(name: string, kind: StepKind, close: (deadline: number) => unknown): void {
    this.#steps.push({ name, kind, close });
  }

  /** Release everything, newest first, within `deadlines`. Never throws; returns the abandoned steps' names. */
  async run(deadlines: Deadlines): Promise<string[]> {
    const abandoned: string[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      const deadline = step.kind === 'remote' ? deadlines.remote : deadlines.local;
      const work = Promise.resolve()
        .then(() => step.close(deadline))
        .then(
          (result) => {
            if (Array.isArray(result)) abandoned.push(...result.filter((name) => typeof name === 'string'));
          },
          (error: unknown) => {
            this.#logger.warn({ step: step.name, err: describeError(error) }, 'could not stop cleanly');
          },
        );
      // A step that bounds its own parts by the deadline gets a moment to say which it abandoned.
      if (!(await settleBy(work, deadline + (step.kind === 'remote' ? REPORT_SLACK_MS : 0)))) {
        abandoned.push(step.name);
        this.#logger.warn({ step: step.name }, `${step.name} did not stop in time; abandoned`);
      }
    }
    return abandoned;
  }
}
