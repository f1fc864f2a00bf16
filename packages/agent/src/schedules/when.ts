import { checkPattern } from './next-run';

/** A `/schedule` line read: when it runs, in which time zone, and what to ask. */
export interface ScheduleRequest {
  /** A cron expression, or an ISO date-time for one run. */
  readonly pattern: string;
  readonly timeZone: string;
  readonly prompt: string;
}

/** How to write `<when>`, for error messages and help. */
export const WHEN_HELP =
  'Write when as in 10m (or 2h, 1d), at 2026-12-24T18:00, or a cron expression in quotes such as "0 9 * * 1-5", optionally followed by tz:Europe/Berlin, then the prompt.';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Read `<when> [tz:<zone>] <prompt>`: `in 10m …` (a one-off from now, in UTC), `at 2026-12-24T18:00 …`
 * (a one-off, local time in the zone), or `"<cron>" …` (a cron expression in quotes or backticks).
 * The zone defaults to `defaultTimeZone`. Returns the request or a sentence saying what is wrong.
 */
export function readSchedule(
  text: string,
  now: number,
  defaultTimeZone: string,
): ScheduleRequest | { readonly problem: string } {
  const trimmed = text.trim();
  const relative = /^in\s+(\d+)\s*([smhd])\b\s*([\s\S]*)$/i.exec(trimmed);
  const absolute = /^at\s+(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)\s*([\s\S]*)$/i.exec(trimmed);
  const cron = /^(["`])([^"`]+)\1\s*([\s\S]*)$/.exec(trimmed);
  let pattern: string;
  let rest: string;
  let timeZone = defaultTimeZone;
  if (relative) {
    const amount = Number(relative[1]) * (UNIT_MS[(relative[2] ?? 's').toLowerCase()] ?? 1000);
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
  const problem = checkPattern(pattern, timeZone);
  if (problem) return problem;
  return { pattern, timeZone, prompt };
}
