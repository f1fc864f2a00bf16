import type { TaskRecord } from '@switchboard/memory';

/** The short id people type after `/cancel`. */
export function shortId(taskId: string): string {
  return taskId.slice(0, 8);
}

/** One line about a task, for `/status` and `/tasks`. */
export function describeTask(task: TaskRecord): string {
  const parts = [`${shortId(task.id)} ${task.status}`];
  if (task.model) parts.push(`on ${task.model}${task.routeReason ? ` (${task.routeReason})` : ''}`);
  if (task.inputTokens || task.outputTokens)
    parts.push(`${task.inputTokens} in / ${task.outputTokens} out tokens`);
  if (task.timeToFirstTokenMs !== undefined) parts.push(`first token ${task.timeToFirstTokenMs} ms`);
  if (task.durationMs !== undefined) parts.push(`${(task.durationMs / 1000).toFixed(1)} s`);
  if (task.errorMessage) parts.push(`error: ${task.errorMessage}`);
  return parts.join(' · ');
}
