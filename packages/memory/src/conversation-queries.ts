import { type ConversationRef, conversationKey, SwitchboardError } from '@switchboard/core';
import { eq, sql } from 'drizzle-orm';
import { conversationNotFound } from './database-errors';
import type { MemoryDatabase } from './drizzle-store';
import type { ConversationRecord } from './records';
import { toConversationRecord } from './rows';
import { conversations } from './schema';
import type { ConversationStore } from './store';

/** {@link ConversationStore} over drizzle: the same queries on PGlite and Postgres. */
export class ConversationQueries implements ConversationStore {
  constructor(private readonly db: MemoryDatabase) {}

  async ensureConversation(ref: ConversationRef): Promise<ConversationRecord> {
    const [row] = await this.db
      .insert(conversations)
      .values({
        key: conversationKey(ref),
        platform: ref.platform,
        account: ref.account,
        channel: ref.channel,
        thread: ref.thread ?? null,
        direct: ref.direct,
      })
      .onConflictDoUpdate({ target: conversations.key, set: { updatedAt: sql`now()` } })
      .returning();
    if (!row)
      throw new SwitchboardError('database_error', 'The database did not return the conversation it saved.');
    return toConversationRecord(row);
  }

  async getConversation(key: string): Promise<ConversationRecord | undefined> {
    const [row] = await this.db.select().from(conversations).where(eq(conversations.key, key));
    return row && toConversationRecord(row);
  }

  async setPinnedModel(key: string, model: string | undefined): Promise<void> {
    await this.#update(key, { pinnedModel: model ?? null });
  }

  async setLocalOnly(key: string, on: boolean): Promise<void> {
    await this.#update(key, { localOnly: on });
  }

  async setTeamMemory(key: string, on: boolean): Promise<void> {
    await this.#update(key, { teamMemory: on });
  }

  async #update(
    key: string,
    values: Partial<Pick<typeof conversations.$inferInsert, 'pinnedModel' | 'localOnly' | 'teamMemory'>>,
  ): Promise<void> {
    const updated = await this.db
      .update(conversations)
      .set({ ...values, updatedAt: sql`now()` })
      .where(eq(conversations.key, key))
      .returning({ key: conversations.key });
    if (updated.length === 0) throw conversationNotFound(key);
  }
}
