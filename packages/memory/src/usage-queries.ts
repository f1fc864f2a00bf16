import { LOCAL_MODEL_PREFIX } from '@switchboard/core';
import { and, asc, type Column, desc, gte, isNotNull, lt, notLike, sql } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import type { UsageQuery, UsageRow } from './records';
import { tasks } from './schema';

/**
 * Tasks of `authorId` or of any identity linked to the same person (`/link`): usage and budgets follow
 * the person (ADR 0037).
 */
export const byPerson = (authorId: string) =>
  sql`${tasks.authorId} in (select ${authorId}::text union select identity from person_identities
    where person_id = (select person_id from person_identities where identity = ${authorId}))`;

/** `sum()` of a column as a JavaScript number, 0 over no rows (Postgres sums come back as text). */
const total = (column: Column) => sql<number>`coalesce(sum(${column}), 0)`.mapWith(Number);

/** Tokens and cost per model of the tasks `query` selects; see `Store.usageSummary`. */
export async function usageSummary(db: MemoryDatabase, query: UsageQuery): Promise<UsageRow[]> {
  const conditions = [isNotNull(tasks.model), gte(tasks.createdAt, query.since)];
  if (query.until !== undefined) conditions.push(lt(tasks.createdAt, query.until));
  if (query.authorId !== undefined) conditions.push(byPerson(query.authorId));
  const count = sql<number>`count(*)`.mapWith(Number);
  const cost = total(tasks.costUsd);
  const rows = await db
    .select({
      model: tasks.model,
      tasks: count,
      inputTokens: total(tasks.inputTokens),
      outputTokens: total(tasks.outputTokens),
      costUsd: cost,
    })
    .from(tasks)
    .where(and(...conditions))
    .groupBy(tasks.model)
    .orderBy(desc(cost), desc(count), asc(tasks.model));
  return rows.map((row) => ({ ...row, model: row.model ?? '' }));
}

/** US dollars of one author's tasks on cloud models since `since`; see `Store.cloudSpendSince`. */
export async function cloudSpendSince(db: MemoryDatabase, authorId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ costUsd: total(tasks.costUsd) })
    .from(tasks)
    .where(
      and(
        byPerson(authorId),
        gte(tasks.createdAt, since),
        isNotNull(tasks.model),
        notLike(tasks.model, `${LOCAL_MODEL_PREFIX}%`),
      ),
    );
  return row?.costUsd ?? 0;
}
