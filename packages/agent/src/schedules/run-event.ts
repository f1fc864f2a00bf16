import type { InboundEvent } from '@switchboard/core';
import type { ScheduleRecord } from '@switchboard/memory';

const PREFIX = 'schedule:';

/**
 * The request one run of a schedule makes: `/ask <prompt>` from the schedule's author, in its
 * conversation, answered at the reply address its creating request had (ADR 0041). Its id names the
 * schedule and the run's time, so a run delivered twice is still one task.
 */
export function runEvent(schedule: ScheduleRecord, dueAt: Date): InboundEvent {
  return {
    id: `${PREFIX}${schedule.id}:${dueAt.getTime()}`,
    kind: 'command',
    conversation: schedule.conversation,
    author: schedule.author,
    text: `/ask ${schedule.prompt}`,
    command: { name: 'ask', args: schedule.prompt },
    reply: schedule.replyAddress,
    receivedAt: dueAt.toISOString(),
  };
}

/** True for the request of a schedule's run (it runs under the tighter schedule caps). */
export function isScheduledRun(event: InboundEvent): boolean {
  return event.id.startsWith(PREFIX);
}
