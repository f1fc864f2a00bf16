import type { FinishReason } from '@switchboard/core';
import { BACKGROUND_TASK_EVENT, type TaskEventRecord, type TaskRecord } from '@switchboard/memory';

/** The short id people type after `/cancel`. */
export function shortId(taskId: string): string {
  return taskId.slice(0, 8);
}

/** How an answer ended, when that is worth saying (an answer that simply ended says nothing). */
const STOPPED: Readonly<Partial<Record<FinishReason, string>>> = {
  length: 'stopped at the length limit',
  'tool-calls': 'stopped to call tools',
  other: 'stopped early',
};

/** One line about a task, for `/status` and `/tasks`. */
export function describeTask(task: TaskRecord): string {
  const parts = [`${shortId(task.id)} ${task.status}`];
  if (task.model) parts.push(`on ${task.model}${task.routeReason ? ` (${task.routeReason})` : ''}`);
  if (task.inputTokens || task.outputTokens)
    parts.push(`${task.inputTokens} in / ${task.outputTokens} out tokens`);
  const stopped = task.finishReason === undefined ? undefined : STOPPED[task.finishReason];
  if (stopped !== undefined) parts.push(stopped);
  if (task.timeToFirstTokenMs !== undefined) parts.push(`first token ${task.timeToFirstTokenMs} ms`);
  if (task.durationMs !== undefined) parts.push(`${(task.durationMs / 1000).toFixed(1)} s`);
  if (task.errorMessage) parts.push(`error: ${task.errorMessage}`);
  return parts.join(' · ');
}

/** `40 s`, `3 min`, `2 h`, `5 d`: how long ago, roughly. */
export function age(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

/** One line of `/tasks`: id, status, model, age and cost. */
export function taskListLine(task: TaskRecord, now: number): string {
  return [
    `#${shortId(task.id)}`,
    task.status,
    task.model ?? 'no model yet',
    `${age(now - task.createdAt.getTime())} ago`,
    `$${task.costUsd.toFixed(4)}`,
  ].join(' · ');
}

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** One step of `/task <id>`, or `undefined` for events that are not steps worth showing. */
export function describeStep(event: TaskEventRecord): string | undefined {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const step = data['step'] === undefined ? '' : `${text(data['step'])}. `;
  switch (event.type) {
    case 'route':
      return `asked ${text(data['model'])} (${text(data['reason'])})`;
    case 'tool-call':
      return data['error'] !== undefined
        ? `${step}${text(data['tool'])}: ${text(data['error'])}`
        : `${step}${text(data['summary'])} — ${text(data['decision'])}`;
    case 'approval-requested':
      return `${step}waiting for approval`;
    case 'approval-decided':
      return `${step}approval ${text(data['outcome'])}`;
    case 'tool-result':
      return `${step}${text(data['tool'])} ${data['failed'] === true ? 'failed' : 'done'}: ${text(data['preview']).slice(0, 120)}`;
    case 'tool-replayed':
      return `${step}${text(data['tool'])} already ran before a restart; its recorded result was used`;
    case 'guard-tripped':
      return `stopped: ${text(data['limit'])}`;
    case 'fallback':
      return `fell back from ${text(data['from'])} to ${text(data['to'])}`;
    case 'retry':
      return 'restarted after an interruption';
    case BACKGROUND_TASK_EVENT:
      return 'went on in the background';
    default:
      return undefined;
  }
}
