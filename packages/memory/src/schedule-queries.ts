import type { Author, ConversationRef, ReplyAddress } from '@switchboard/core';
import { and, asc, eq, isNotNull, lte, sql } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import type { NewSchedule, ScheduleRecord } from './records';
import { schedules } from './schema';
import type { ScheduleStore } from './store';

type ScheduleRow = typeof schedules.$inferSelect;

const toScheduleRecord = (row: ScheduleRow): ScheduleRecord => ({
  id: row.id,
  conversationKey: row.conversationKey,
  conversation: row.conversation as ConversationRef,
  authorId: row.authorId,
  author: row.author as Author,
  replyAddress: row.replyAddress as ReplyAddress,
  prompt: row.prompt,
  pattern: row.pattern,
  timeZone: row.timeZone,
  nextRunAt: row.nextRunAt ?? undefined,
  lastRunAt: row.lastRunAt ?? undefined,
  runs: row.runs,
  createdAt: row.createdAt,
});

/**
 * {@link ScheduleStore} over drizzle. A run is claimed by moving `next_run_at` on with a conditional
 * update (`where next_run_at = <the time read>`): of several workers that read the same due row, the
 * first update wins and the others change nothing, so each run fires once.
 */
export class ScheduleQueries implements ScheduleStore {
  constructor(private readonly db: MemoryDatabase) {}

  async createSchedule(schedule: NewSchedule): Promise<ScheduleRecord> {
    const [row] = await this.db
      .insert(schedules)
      .values({ ...schedule, nextRunAt: schedule.nextRunAt ?? null })
      .returning();
    if (!row) throw new Error('the database did not return the schedule it saved');
    return toScheduleRecord(row);
  }

  async listSchedules(conversationKey: string): Promise<ScheduleRecord[]> {
    const rows = await this.db
      .select()
      .from(schedules)
      .where(eq(schedules.conversationKey, conversationKey))
      .orderBy(asc(schedules.createdAt));
    return rows.map(toScheduleRecord);
  }

  async deleteSchedule(conversationKey: string, id: string): Promise<boolean> {
    const deleted = await this.db
      .delete(schedules)
      .where(and(eq(schedules.conversationKey, conversationKey), eq(schedules.id, id)))
      .returning({ id: schedules.id });
    return deleted.length > 0;
  }

  async dueSchedules(now: Date, limit: number): Promise<ScheduleRecord[]> {
    const rows = await this.db
      .select()
      .from(schedules)
      .where(and(isNotNull(schedules.nextRunAt), lte(schedules.nextRunAt, now)))
      .orderBy(asc(schedules.nextRunAt))
      .limit(limit);
    return rows.map(toScheduleRecord);
  }

  async claimRun(id: string, dueAt: Date, nextRunAt: Date | undefined, now: Date): Promise<boolean> {
    const claimed = await this.db
      .update(schedules)
      .set({ nextRunAt: nextRunAt ?? null, lastRunAt: now, runs: sql`${schedules.runs} + 1` })
      .where(and(eq(schedules.id, id), eq(schedules.nextRunAt, dueAt)))
      .returning({ id: schedules.id });
    return claimed.length === 1;
  }
}
