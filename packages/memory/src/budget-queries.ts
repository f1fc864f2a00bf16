import { LOCAL_MODEL_PREFIX } from '@switchboard/core';
import { and, eq, gte, isNotNull, lt, notLike, sql } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import type { SpendReservation, SpendReservationResult } from './records';
import { cloudSpendDays, tasks } from './schema';
import { cloudSpendSince } from './usage-queries';

const ONE_DAY_MS = 86_400_000;

/**
 * Add `amountUsd` to the author's spend of `day` if the total stays within `budgetUsd`, in one statement:
 * an upsert whose insert is seeded from the day's settled task costs and whose update is conditional, so
 * concurrent reservations (on any number of connections) can never together pass the budget.
 */
export async function reserveCloudSpend(
  db: MemoryDatabase,
  reservation: SpendReservation,
): Promise<SpendReservationResult> {
  const { authorId, day, amountUsd, budgetUsd } = reservation;
  const since = new Date(`${day}T00:00:00.000Z`);
  const until = new Date(since.getTime() + ONE_DAY_MS);
  const settled = sql`coalesce(sum(${tasks.costUsd}), 0)`;
  const seed = db
    .select({
      authorId: sql`${authorId}::text`.as('author_id'),
      day: sql`${day}::date`.as('day'),
      committedUsd: sql`${settled} + ${amountUsd}::numeric`.as('committed_usd'),
    })
    .from(tasks)
    .where(
      and(
        eq(tasks.authorId, authorId),
        gte(tasks.createdAt, since),
        lt(tasks.createdAt, until),
        isNotNull(tasks.model),
        notLike(tasks.model, `${LOCAL_MODEL_PREFIX}%`),
      ),
    )
    .having(sql`${settled} + ${amountUsd}::numeric <= ${budgetUsd}::numeric`);
  const [row] = await db
    .insert(cloudSpendDays)
    .select(seed)
    .onConflictDoUpdate({
      target: [cloudSpendDays.authorId, cloudSpendDays.day],
      set: { committedUsd: sql`${cloudSpendDays.committedUsd} + ${amountUsd}::numeric` },
      setWhere: sql`${cloudSpendDays.committedUsd} + ${amountUsd}::numeric <= ${budgetUsd}::numeric`,
    })
    .returning({ committedUsd: cloudSpendDays.committedUsd });
  if (row !== undefined) return { reserved: true, committedUsd: row.committedUsd };
  return { reserved: false, committedUsd: await committedCloudSpend(db, authorId, day) };
}

/** Move the author's spend of `day` by `deltaUsd` (a settlement or a release), never below 0. */
export async function adjustCloudSpend(
  db: MemoryDatabase,
  authorId: string,
  day: string,
  deltaUsd: number,
): Promise<void> {
  await db
    .update(cloudSpendDays)
    .set({ committedUsd: sql`greatest(0, ${cloudSpendDays.committedUsd} + ${deltaUsd}::numeric)` })
    .where(and(eq(cloudSpendDays.authorId, authorId), eq(cloudSpendDays.day, day)));
}

/** The author's spend of `day`: settled plus reserved, or the settled cloud tasks before any reservation. */
async function committedCloudSpend(db: MemoryDatabase, authorId: string, day: string): Promise<number> {
  const [row] = await db
    .select({ committedUsd: cloudSpendDays.committedUsd })
    .from(cloudSpendDays)
    .where(and(eq(cloudSpendDays.authorId, authorId), eq(cloudSpendDays.day, day)));
  return row?.committedUsd ?? cloudSpendSince(db, authorId, new Date(`${day}T00:00:00.000Z`));
}
