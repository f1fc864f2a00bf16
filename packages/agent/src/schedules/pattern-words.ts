const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (value: string) => value.padStart(2, '0');

/** `1,5` → `Monday, Friday`; undefined when a field is not a plain list of days. */
function dayList(field: string): string | undefined {
  const days = field.split(',').map((day) => DAY_NAMES[Number(day) % 7]);
  if (!/^[0-7](,[0-7])*$/.test(field) || days.some((day) => day === undefined)) return undefined;
  return days.join(', ');
}

/**
 * A cron pattern in words when it is one of the simple shapes people write (`every day at 09:00`,
 * `every weekday at 08:30`, `every Monday, Friday at 18:00`, `every 15 minutes`, `every 2 hours`);
 * undefined for anything else, which is then shown as written.
 */
export function patternInWords(pattern: string): string | undefined {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute = '', hour = '', dayOfMonth, month, dayOfWeek = ''] = fields;
  if (dayOfMonth !== '*' || month !== '*') return undefined;
  if (/^\d{1,2}$/.test(minute) && /^\d{1,2}$/.test(hour)) {
    const at = `at ${pad(hour)}:${pad(minute)}`;
    if (dayOfWeek === '*') return `every day ${at}`;
    if (dayOfWeek === '1-5') return `every weekday ${at}`;
    if (dayOfWeek === '0,6' || dayOfWeek === '6,0') return `every weekend ${at}`;
    const days = dayList(dayOfWeek);
    return days === undefined ? undefined : `every ${days} ${at}`;
  }
  if (dayOfWeek !== '*') return undefined;
  if (minute === '*' && hour === '*') return 'every minute';
  const minutes = /^\*\/(\d+)$/.exec(minute);
  if (minutes && hour === '*') return `every ${minutes[1]} minutes`;
  if (minute === '0' && hour === '*') return 'every hour';
  const hours = /^\*\/(\d+)$/.exec(hour);
  if (minute === '0' && hours) return `every ${hours[1]} hours`;
  return undefined;
}
