/**
 * When, in the words people use: a repeating time (`every day at 9:00`, `every weekday at 8:30am`,
 * `every monday,friday at 18:00`, `daily at 7`), an interval that divides the hour or the day
 * (`every 15m`, `every 2 hours`, `hourly`), or the next time of day (`at 18:00`).
 */
export type NaturalWhen =
  | { readonly kind: 'cron'; readonly pattern: string }
  | { readonly kind: 'next-time'; readonly hour: number; readonly minute: number };

/** What was read from the start of a line, and the rest of it; or why it could not be read. */
export type NaturalRead =
  | { readonly when: NaturalWhen; readonly rest: string }
  | { readonly problem: string }
  | undefined;

const DAYS: Readonly<Record<string, string>> = {
  sun: '0',
  mon: '1',
  tue: '2',
  wed: '3',
  thu: '4',
  fri: '5',
  sat: '6',
};

const DAY_NAME =
  '(?:sundays?|sun|mondays?|mon|tuesdays?|tues?|wednesdays?|wed|thursdays?|thurs?|thu|fridays?|fri|saturdays?|sat)';
const TIME = '(\\d{1,2})(?::(\\d{2}))?(?:\\s*([ap])\\.?m\\.?)?';
const EVERY_AT = new RegExp(
  `^(?:every\\s+(day|weekdays?|weekends?|${DAY_NAME}(?:\\s*(?:,|and)\\s*${DAY_NAME})*)|daily)\\s+at\\s+${TIME}(?=\\s|$)([\\s\\S]*)$`,
  'i',
);
const EVERY_INTERVAL =
  /^(?:every\s+(?:(\d+)\s*)?(m|mins?|minutes?|h|hrs?|hours?)|(hourly))(?=\s|$)([\s\S]*)$/i;
const NEXT_TIME = new RegExp(`^at\\s+${TIME}(?=\\s|$)([\\s\\S]*)$`, 'i');

/** Hour and minute of `9`, `9:30`, `9pm`, `12:15 a.m.`; a problem when there is no such time. */
function timeOf(
  hourText: string | undefined,
  minuteText: string | undefined,
  meridiem: string | undefined,
): { hour: number; minute: number } | { problem: string } {
  let hour = Number(hourText);
  const minute = Number(minuteText ?? '0');
  const written = `${hourText}${minuteText === undefined ? '' : `:${minuteText}`}${meridiem ? `${meridiem}m` : ''}`;
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return { problem: `${written} is not a time of day` };
    hour = (hour % 12) + (meridiem.toLowerCase() === 'p' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return { problem: `${written} is not a time of day` };
  return { hour, minute };
}

/** The cron day-of-week field for `day`, `weekdays`, `weekend`, `monday`, `mon, wed and fri`. */
function daysField(days: string | undefined): string {
  const words = (days ?? 'day').toLowerCase();
  if (words === 'day') return '*';
  if (words.startsWith('weekday')) return '1-5';
  if (words.startsWith('weekend')) return '0,6';
  const numbers = words
    .split(/\s*(?:,|and)\s*/)
    .map((day) => DAYS[day.slice(0, 3)] ?? '')
    .filter((day) => day !== '');
  return [...new Set(numbers)].join(',');
}

/** The cron pattern of `every N minutes/hours`: N must divide the hour (or the day) evenly. */
function intervalPattern(amount: number, unit: string): string | { problem: string } {
  const minutes = unit.toLowerCase().startsWith('m');
  const uneven = `every ${amount}${minutes ? 'm' : 'h'} does not divide the ${minutes ? 'hour' : 'day'} evenly; write a cron expression in quotes for it`;
  if (!Number.isInteger(amount) || amount < 1) return { problem: `every ${amount} is not an interval` };
  if (amount === 1) return minutes ? '* * * * *' : '0 * * * *';
  if (minutes && amount % 60 === 0) return intervalPattern(amount / 60, 'h');
  if (minutes) return amount < 60 && 60 % amount === 0 ? `*/${amount} * * * *` : { problem: uneven };
  if (amount === 24) return '0 0 * * *';
  return amount < 24 && 24 % amount === 0 ? `0 */${amount} * * *` : { problem: uneven };
}

/** Read a natural `<when>` at the start of `text`; `undefined` when it starts with none of these forms. */
export function readNaturalWhen(text: string): NaturalRead {
  const repeating = EVERY_AT.exec(text);
  if (repeating) {
    const time = timeOf(repeating[2], repeating[3], repeating[4]);
    if ('problem' in time) return time;
    const pattern = `${time.minute} ${time.hour} * * ${daysField(repeating[1])}`;
    return { when: { kind: 'cron', pattern }, rest: repeating[5] ?? '' };
  }
  const interval = EVERY_INTERVAL.exec(text);
  if (interval) {
    const pattern = interval[3]
      ? '0 * * * *'
      : intervalPattern(Number(interval[1] ?? '1'), interval[2] ?? 'm');
    if (typeof pattern !== 'string') return pattern;
    return { when: { kind: 'cron', pattern }, rest: interval[4] ?? '' };
  }
  const next = NEXT_TIME.exec(text);
  if (next) {
    const time = timeOf(next[1], next[2], next[3]);
    if ('problem' in time) return time;
    return { when: { kind: 'next-time', ...time }, rest: next[4] ?? '' };
  }
  return undefined;
}
