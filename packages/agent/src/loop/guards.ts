import { toolCallHash } from '@switchboard/tools';
import type { TaskCost } from '../tasks/cost';

/** The limits of one task's tool loop. */
export interface GuardLimits {
  /** Tool calls in the whole task. */
  readonly maxToolCalls: number;
  /** Calls of the same tool with the same arguments. */
  readonly maxSameCall: number;
  /** Tool calls in a row that failed. */
  readonly maxConsecutiveErrors: number;
  /** Milliseconds from the task's start (approval waits and tool runs included). */
  readonly wallTimeMs: number;
  /** Tokens (input and output, every model call) a task may have used before its next model call. */
  readonly maxTaskTokens: number;
  /** US dollars a task may have spent before its next model call. */
  readonly maxTaskCostUsd: number;
}

/** The defaults: 30 calls, the same call 3 times, 5 errors in a row, 30 minutes, 200,000 tokens, $1. */
export const DEFAULT_GUARD_LIMITS: GuardLimits = {
  maxToolCalls: 30,
  maxSameCall: 3,
  maxConsecutiveErrors: 5,
  wallTimeMs: 30 * 60_000,
  maxTaskTokens: 200_000,
  maxTaskCostUsd: 1,
};

/** The defaults of a schedule's run, tighter: 10 calls, 10 minutes, 50,000 tokens, $0.25. */
export const DEFAULT_SCHEDULE_GUARD_LIMITS: Partial<GuardLimits> = {
  maxToolCalls: 10,
  wallTimeMs: 10 * 60_000,
  maxTaskTokens: 50_000,
  maxTaskCostUsd: 0.25,
};

/**
 * A task's limits: the defaults under the configured ones; for a schedule's run, each limit is the
 * lower of the task's and the schedule's (a run is never allowed more than an asked question).
 */
export function guardLimitsFor(
  configured: Partial<GuardLimits> | undefined,
  schedule: Partial<GuardLimits> | undefined,
): GuardLimits {
  const task: GuardLimits = { ...DEFAULT_GUARD_LIMITS, ...configured };
  if (schedule === undefined) return task;
  const run: GuardLimits = { ...task, ...DEFAULT_SCHEDULE_GUARD_LIMITS, ...schedule };
  return {
    maxToolCalls: Math.min(task.maxToolCalls, run.maxToolCalls),
    maxSameCall: Math.min(task.maxSameCall, run.maxSameCall),
    maxConsecutiveErrors: Math.min(task.maxConsecutiveErrors, run.maxConsecutiveErrors),
    wallTimeMs: Math.min(task.wallTimeMs, run.wallTimeMs),
    maxTaskTokens: Math.min(task.maxTaskTokens, run.maxTaskTokens),
    maxTaskCostUsd: Math.min(task.maxTaskCostUsd, run.maxTaskCostUsd),
  };
}

/** `1800 s`, `0.5 s`: a duration as the stop message shows it. */
function seconds(ms: number): string {
  return `${ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10} s`;
}

/**
 * Counts what a task's tool loop does and says which limit it would pass, so the loop ends with
 * "stopped: <which limit>" instead of spinning.
 */
export class ToolGuards {
  readonly #limits: GuardLimits;
  readonly #deadline: number;
  readonly #now: () => number;
  readonly #sameCalls = new Map<string, number>();
  #calls = 0;
  #errorsInARow = 0;

  constructor(limits: GuardLimits, startedAt: number, now: () => number) {
    this.#limits = limits;
    this.#deadline = startedAt + limits.wallTimeMs;
    this.#now = now;
  }

  /** The limit the next call of `name` with `args` would pass, or `undefined`; counts the call when it may run. */
  admit(name: string, args: unknown): string | undefined {
    const overTime = this.overTime();
    if (overTime) return overTime;
    if (this.#calls >= this.#limits.maxToolCalls)
      return `at most ${this.#limits.maxToolCalls} tool calls per task`;
    const key = toolCallHash(name, args);
    const same = this.#sameCalls.get(key) ?? 0;
    if (same >= this.#limits.maxSameCall)
      return `the same ${name} call at most ${this.#limits.maxSameCall} times`;
    this.#calls += 1;
    this.#sameCalls.set(key, same + 1);
    return undefined;
  }

  /** Record how a call ended; the limit passed when too many failed in a row. */
  record(failed: boolean): string | undefined {
    this.#errorsInARow = failed ? this.#errorsInARow + 1 : 0;
    if (this.#errorsInARow >= this.#limits.maxConsecutiveErrors)
      return `${this.#limits.maxConsecutiveErrors} failed tool calls in a row`;
    return undefined;
  }

  /** The wall-time limit, when passed. */
  overTime(): string | undefined {
    return this.#now() >= this.#deadline
      ? `the task's time limit of ${seconds(this.#limits.wallTimeMs)}`
      : undefined;
  }

  /**
   * The spending limit the task has reached with what it spent so far, or `undefined`: asked before
   * every model call, so a task that reached its cap makes no further call.
   */
  overSpend(spent: TaskCost): string | undefined {
    const tokens = spent.usage.inputTokens + spent.usage.outputTokens;
    if (tokens >= this.#limits.maxTaskTokens)
      return `the task's token limit of ${this.#limits.maxTaskTokens.toLocaleString('en-US')} (used ${tokens.toLocaleString('en-US')})`;
    if (spent.usd >= this.#limits.maxTaskCostUsd)
      return `the task's cost limit of $${this.#limits.maxTaskCostUsd.toFixed(2)} (spent $${spent.usd.toFixed(4)})`;
    return undefined;
  }

  /** Milliseconds left before the wall-time limit. */
  remainingMs(): number {
    return Math.max(0, this.#deadline - this.#now());
  }

  get calls(): number {
    return this.#calls;
  }
}
