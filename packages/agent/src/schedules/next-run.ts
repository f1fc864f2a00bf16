import { Cron } from 'croner';

/** A pattern croner could not read, or a time zone it does not know. */
export interface PatternProblem {
  readonly problem: string;
}

/** Whether `pattern` is a cron expression (as opposed to one ISO date-time). */
export function isCron(pattern: string): boolean {
  return !/^\d{4}-\d{2}-\d{2}T/.test(pattern);
}

/**
 * The first run of `pattern` (a cron expression of 5 or 6 fields, or an ISO date-time for one run)
 * strictly after `after`, in `timeZone`; `undefined` when it never runs again (a one-off in the past).
 */
export function nextRunOf(pattern: string, timeZone: string, after: Date): Date | undefined {
  const cron = new Cron(pattern, { timezone: timeZone, paused: true });
  try {
    return cron.nextRun(after) ?? undefined;
  } finally {
    cron.stop();
  }
}

/** Check a pattern and time zone; the problem in a sentence, or `undefined` when croner reads them. */
export function checkPattern(pattern: string, timeZone: string): PatternProblem | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return { problem: `${timeZone} is not a time zone I know; use one such as Europe/Berlin or UTC` };
  }
  try {
    nextRunOf(pattern, timeZone, new Date(0));
    return undefined;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { problem: `"${pattern}" is not a cron expression or a date-time I can read (${why})` };
  }
}

/** `date` as the local date and time in `timeZone`, to the minute: `2026-12-24T18:00`. */
export function localDateTime(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((item) => item.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}
