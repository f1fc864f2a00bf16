import { isLocalModelRef } from '@switchboard/core';
import type { CommandHandler } from './context';
import { formatUsd, usageSection } from './usage-report';

/** The UTC day and month around `now`, as half-open `[since, until)` windows. */
export function utcPeriods(now: number): {
  readonly day: { readonly since: Date; readonly until: Date };
  readonly month: { readonly since: Date; readonly until: Date };
} {
  const at = new Date(now);
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  const date = at.getUTCDate();
  return {
    day: { since: new Date(Date.UTC(year, month, date)), until: new Date(Date.UTC(year, month, date + 1)) },
    month: { since: new Date(Date.UTC(year, month, 1)), until: new Date(Date.UTC(year, month + 1, 1)) },
  };
}

const monthName = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/**
 * `/usage`: tokens and cost per model for the whole box, today and this month (UTC), the share answered by
 * local models, and the asker's own cloud spend today (the figure the daily budget counts).
 */
export const usage: CommandHandler = async (context) => {
  const { store, models, prices } = context.services;
  const { day, month } = utcPeriods(context.services.now());
  const [today, thisMonth, ownSpend] = await Promise.all([
    store.usageSummary(day),
    store.usageSummary(month),
    store.cloudSpendSince(context.identity, day.since),
  ]);
  const lookups = {
    prices,
    isLocal: (ref: string) => isLocalModelRef(ref) || models.get(ref)?.locality === 'local',
  };
  const text = [
    ...usageSection(`Today (${day.since.toISOString().slice(0, 10)} UTC)`, today, lookups),
    '',
    ...usageSection(`This month (${monthName.format(month.since)} UTC)`, thisMonth, lookups),
    '',
    `Your cloud spend today: ${formatUsd(ownSpend)}`,
  ].join('\n');
  await context.reply.send({ type: 'reply-end', text, meta: {} });
};
