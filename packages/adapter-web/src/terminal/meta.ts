import type { ReplyMeta } from '@switchboard/core';

/** The facts of a finished reply on one line: model, tokens, first token, time, cost. */
export function describeMeta(meta: ReplyMeta): string {
  const parts: string[] = [];
  if (meta.model) parts.push(meta.model);
  if (meta.usage) parts.push(`${meta.usage.inputTokens} in / ${meta.usage.outputTokens} out tokens`);
  if (meta.timeToFirstTokenMs !== undefined) parts.push(`first token ${meta.timeToFirstTokenMs} ms`);
  if (meta.durationMs !== undefined) parts.push(`${(meta.durationMs / 1000).toFixed(1)} s`);
  if (meta.costUsd !== undefined && meta.costUsd > 0) parts.push(formatCost(meta.costUsd));
  return parts.join(' · ');
}

function formatCost(usd: number): string {
  if (usd < 0.0001) return '< $0.0001';
  return `$${usd < 0.01 ? usd.toFixed(4) : usd.toFixed(2)}`;
}
