import { type PriceTable, priceOf } from '@switchboard/core';
import type { UsageRow } from '@switchboard/memory';

/** What the report needs to know about models besides the rows: prices and which ones run locally. */
export interface UsageLookups {
  readonly prices: PriceTable;
  /** True for models that run on this machine (configured as local, or `llama:*`). */
  readonly isLocal: (ref: string) => boolean;
}

/** US dollars, as precise as small amounts need: `$0.0123`, `$4.56`, `<$0.0001`. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd < 0.0001) return '<$0.0001';
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

const count = (value: number): string => Math.round(value).toLocaleString('en-US');
const plural = (value: number, noun: string): string => `${count(value)} ${noun}${value === 1 ? '' : 's'}`;
const percent = (part: number, whole: number): string =>
  whole === 0 ? '0%' : `${Math.round((100 * part) / whole)}%`;

/**
 * The cost column of one model: the dollars its tasks recorded, `free (local)`, or `price unknown` for a
 * cloud model that recorded nothing because it has no price.
 */
function costOfRow(
  row: UsageRow,
  lookups: UsageLookups,
): { readonly text: string; readonly unpriced: boolean } {
  if (row.costUsd === 0 && lookups.isLocal(row.model)) return { text: 'free (local)', unpriced: false };
  if (row.costUsd === 0 && priceOf(row.model, lookups.prices) === undefined)
    return { text: 'price unknown', unpriced: true };
  return { text: formatUsd(row.costUsd), unpriced: false };
}

/**
 * One period of `/usage`: a line per model, the totals, and the share answered locally. Plain text with
 * bullets, short enough for a phone screen on every platform.
 */
export function usageSection(title: string, rows: readonly UsageRow[], lookups: UsageLookups): string[] {
  if (rows.length === 0) return [`${title}: no tasks.`];
  const lines = [`${title}`];
  let tasks = 0;
  let tokens = 0;
  let usd = 0;
  let localTasks = 0;
  let localTokens = 0;
  const unpriced: string[] = [];
  for (const row of rows) {
    const rowTokens = row.inputTokens + row.outputTokens;
    const cost = costOfRow(row, lookups);
    if (cost.unpriced) unpriced.push(row.model);
    lines.push(
      `• ${row.model}: ${plural(row.tasks, 'task')}, ${plural(rowTokens, 'token')} (${count(row.inputTokens)} in / ${count(row.outputTokens)} out), ${cost.text}`,
    );
    tasks += row.tasks;
    tokens += rowTokens;
    usd += row.costUsd;
    if (lookups.isLocal(row.model)) {
      localTasks += row.tasks;
      localTokens += rowTokens;
    }
  }
  const unknown = unpriced.length === 0 ? '' : ` + price unknown for ${unpriced.join(', ')}`;
  lines.push(`Total: ${plural(tasks, 'task')}, ${plural(tokens, 'token')}, ${formatUsd(usd)}${unknown}`);
  lines.push(
    `Served locally: ${count(localTasks)} of ${count(tasks)} tasks (${percent(localTasks, tasks)}), ${count(localTokens)} of ${count(tokens)} tokens (${percent(localTokens, tokens)})`,
  );
  return lines;
}
