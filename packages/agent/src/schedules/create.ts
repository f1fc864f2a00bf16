import { randomBytes } from 'node:crypto';
import { conversationKey, type InboundEvent } from '@switchboard/core';
import type { ScheduleRecord, ScheduleStore } from '@switchboard/memory';
import { isCron, localDateTime, nextRunOf } from './next-run';
import { patternInWords } from './pattern-words';
import { readSchedule, WHEN_HELP } from './when';

/** How a schedule reads in `/schedules`, the confirmation and the `schedule` tool. */
export function describeSchedule(schedule: ScheduleRecord): string {
  const when = isCron(schedule.pattern)
    ? (patternInWords(schedule.pattern) ?? `"${schedule.pattern}"`)
    : `at ${schedule.pattern}`;
  const next = schedule.nextRunAt
    ? `next ${localDateTime(schedule.nextRunAt, schedule.timeZone).replace('T', ' ')}`
    : 'done';
  return `${schedule.id} · ${when} (${schedule.timeZone}) · ${next} · ${schedule.prompt}`;
}

/**
 * Create a schedule from `<when> [tz:<zone>] <prompt>` for the request `event` of `identity`: its runs
 * post into the event's conversation at the event's reply address (ADR 0041). A sentence saying what is
 * wrong when the line cannot be read or the time is past.
 */
export async function createSchedule(
  store: ScheduleStore,
  event: InboundEvent,
  identity: string,
  line: string,
  now: number,
): Promise<ScheduleRecord | { readonly problem: string }> {
  const read = readSchedule(line, now, 'UTC');
  if ('problem' in read) return read;
  const nextRunAt = nextRunOf(read.pattern, read.timeZone, new Date(now));
  if (nextRunAt === undefined)
    return { problem: `${read.pattern} (${read.timeZone}) is in the past. ${WHEN_HELP}` };
  return store.createSchedule({
    id: randomBytes(4).toString('hex'),
    conversationKey: conversationKey(event.conversation),
    conversation: event.conversation,
    authorId: identity,
    author: event.author,
    replyAddress: event.reply,
    prompt: read.prompt,
    pattern: read.pattern,
    timeZone: read.timeZone,
    nextRunAt,
  });
}
