import { describeErrorBriefly, type InboundEvent, type Logger } from '@switchboard/core';
import type { ScheduleRecord, ScheduleStore } from '@switchboard/memory';
import { isCron, nextRunOf } from './next-run';
import { runEvent } from './run-event';

/** How many due schedules one tick takes at most (the next tick takes the rest). */
const TICK_LIMIT = 100;

/** What a scheduler is built from. */
export interface SchedulerOptions {
  readonly store: ScheduleStore;
  /** Hand a run's request to the box (the gateway's inbox, delivery and bus), as a platform would. */
  readonly fire: (event: InboundEvent) => Promise<void>;
  readonly now: () => number;
  readonly logger: Logger;
}

/** Fires due schedules; any number of processes may run one over the same database. */
export interface Scheduler {
  /** Fire every run due now that this process claims; resolves with how many. Never rejects. */
  tick(): Promise<number>;
  /** Tick every `intervalMs` until {@link Scheduler.stop}. */
  start(intervalMs: number): void;
  stop(): void;
}

/**
 * The scheduler: each tick reads the due schedules and claims each run by moving its `next_run_at` on
 * with a conditional update, so of all the processes that see a run due exactly one fires it (ADR 0041).
 * A run missed while the box was down fires once when it comes back, then the schedule continues from
 * now.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { store, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const fireOne = async (schedule: ScheduleRecord, at: Date): Promise<boolean> => {
    const dueAt = schedule.nextRunAt;
    if (dueAt === undefined) return false;
    const next = isCron(schedule.pattern) ? nextRunOf(schedule.pattern, schedule.timeZone, at) : undefined;
    if (!(await store.claimRun(schedule.id, dueAt, next, at))) return false;
    logger.info({ scheduleId: schedule.id, dueAt: dueAt.toISOString() }, 'schedule fired');
    await options.fire(runEvent(schedule, dueAt));
    return true;
  };

  const tickOnce = async (): Promise<number> => {
    const at = new Date(options.now());
    let fired = 0;
    for (const schedule of await store.dueSchedules(at, TICK_LIMIT)) {
      try {
        if (await fireOne(schedule, at)) fired += 1;
      } catch (error) {
        logger.warn({ scheduleId: schedule.id, err: describeErrorBriefly(error) }, 'a schedule run failed');
      }
    }
    return fired;
  };

  const tick = () => {
    running ??= tickOnce()
      .catch((error: unknown) => {
        logger.warn({ err: describeErrorBriefly(error) }, 'reading due schedules failed; will try again');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  return {
    tick,
    start(intervalMs) {
      if (timer !== undefined) return;
      timer = setInterval(() => void tick(), intervalMs);
      timer.unref();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
