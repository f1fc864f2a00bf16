import { readNaturalWhen } from './natural-when';
import { checkPattern, localDateTime, nextRunOf } from './next-run';

/** A `/schedule` line read: when it runs, in which time zone, and what to ask. */
export interface ScheduleRequest {
  /** A cron expression, or an ISO date-time for one run. */
  readonly pattern: string;
  readonly timeZone: string;
  readonly prompt: string;
}

/** How to write `<when>`, for error messages and help. */
export const WHEN_HELP =
  'Write when as in 10m (or 10 minutes, 2h, 1d), at 18:00, at 2026-12-24T18:00, every day at 9:00, every weekday at 8:30am, every monday,friday at 18:00, every 15m, or a cron expression in quotes such as "0 9 * * 1-5", optionally followed by tz:Europe/Berlin, then the prompt.';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Read `<when> [tz:<zone>] <prompt>`: `in 10m …` (a one-off from now, in UTC), `at 2026-12-24T18:00 …`
 * (a one-off, local time in the zone), `"<cron>" …` (a cron expression in quotes or backticks), or the
 * words of {@link readNaturalWhen} (`every day at 9:00`, `every 15m`, `at 18:00` — the next such time
 * in the zone). The zone defaults to `defaultTimeZone`. Returns the request or a sentence saying what is
 * wrong.
 */
export function readSchedule(
  text: string,
  now: number,
  defaultTimeZone: string,
): ScheduleRequest | { readonly problem: string } {
  const trimmed = text.trim();
  const relative =
    /^in\s+(\d+)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b\s*([\s\S]*)$/i.exec(trimmed);
  const absolute = /^at\s+(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)\s*([\s\S]*)$/i.exec(trimmed);
  const cron = /^(["`])([^"`]+)\1\s*([\s\S]*)$/.exec(trimmed);
  const natural = relative || absolute || cron ? undefined : readNaturalWhen(trimmed);
  let pattern: string | ((timeZone: string) => string);
  let rest: string;
  let timeZone = defaultTimeZone;
  if (natural !== undefined && 'problem' in natural) {
    return { problem: `${natural.problem}. ${WHEN_HELP}` };
  } else if (natural !== undefined) {
    const { when } = natural;
    pattern = when.kind === 'cron' ? when.pattern : (zone) => nextTimeOfDay(when, zone, now);
    rest = natural.rest.trimStart();
  } else if (relative) {
    const amount = Number(relative[1]) * (UNIT_MS[(relative[2] ?? 's').charAt(0).toLowerCase()] ?? 1000);
    pattern = new Date(now + amount).toISOString().replace(/\.\d{3}Z$/, '');
    timeZone = 'UTC';
    rest = relative[3] ?? '';
  } else if (absolute) {
    pattern = absolute[1] ?? '';
    rest = absolute[2] ?? '';
  } else if (cron) {
    pattern = (cron[2] ?? '').trim();
    rest = cron[3] ?? '';
  } else {
    return { problem: `I could not read when to run it. ${WHEN_HELP}` };
  }
  const zone = /^tz:(\S+)\s*([\s\S]*)$/i.exec(rest);
  if (zone) {
    timeZone = zone[1] ?? timeZone;
    rest = zone[2] ?? '';
  }
  const prompt = rest.trim();
  if (prompt.length === 0) return { problem: `What should I do then? ${WHEN_HELP}` };
  const zoneProblem = checkPattern('0 0 * * *', timeZone);
  if (zoneProblem) return zoneProblem;
  const written = typeof pattern === 'string' ? pattern : pattern(timeZone);
  const problem = checkPattern(written, timeZone);
  if (problem) return problem;
  return { pattern: written, timeZone, prompt };
}

/** The next `hour:minute` after `now` in `timeZone`, as the local date-time a one-off run is written as. */
function nextTimeOfDay(time: { hour: number; minute: number }, timeZone: string, now: number): string {
  const next = nextRunOf(`${time.minute} ${time.hour} * * *`, timeZone, new Date(now)) ?? new Date(now);
  return localDateTime(next, timeZone);
}
