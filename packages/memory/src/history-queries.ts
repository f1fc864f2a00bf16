import { and, eq, lt, sql } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import { textQuery } from './memory-queries';
import type { ConversationSummary, HistoryHit } from './memory-records';
import { atLeastZero } from './message-queries';
import { conversationSummaries, conversations, memories, messages } from './schema';
import { rows } from './vector-support';

/** History search, whole-conversation forgetting, retention and rolling summaries over drizzle. */
export class HistoryQueries {
  constructor(private readonly db: MemoryDatabase) {}

  /**
   * Turns of a person's tasks (their questions and the answers) that match `words`, newest first, with
   * the task's model and cost.
   */
  async searchHistory(personId: string, words: string, limit: number): Promise<HistoryHit[]> {
    const query = textQuery(words);
    if (!query) return [];
    const found = await rows<{
      id: string | number;
      conversation_key: string;
      role: 'user' | 'assistant';
      content: string;
      created_at: string | Date;
      task_id: string | null;
      model: string | null;
      cost_usd: string | number | null;
    }>(
      this.db,
      sql`select m.id, m.conversation_key, m.role, m.content, m.created_at, m.task_id, t.model, t.cost_usd
        from messages m join tasks t on t.id = m.task_id, to_tsquery('english', ${query}) q
        where t.author_id in (select identity from person_identities where person_id = ${personId})
          and to_tsvector('english', m.content) @@ q
        order by m.id desc limit ${atLeastZero(limit)}`,
    );
    return found.map((row) => ({
      messageId: Number(row.id),
      conversationKey: row.conversation_key,
      role: row.role,
      content: row.content,
      createdAt: new Date(row.created_at),
      taskId: row.task_id ?? undefined,
      model: row.model ?? undefined,
      costUsd: row.cost_usd === null ? undefined : Number(row.cost_usd),
    }));
  }

  /**
   * `/forget` for one conversation: its turns, its summary, and the memories extracted from it (facts kept
   * on request with `/remember` stay until `/forget <id>`). Returns how many turns went.
   */
  async forgetConversation(conversationKey: string): Promise<number> {
    return this.db.transaction(async (transaction) => {
      const turns = await transaction
        .delete(messages)
        .where(eq(messages.conversationKey, conversationKey))
        .returning({ id: messages.id });
      await transaction
        .delete(conversationSummaries)
        .where(eq(conversationSummaries.conversationKey, conversationKey));
      await transaction
        .delete(memories)
        .where(and(eq(memories.conversationKey, conversationKey), eq(memories.source, 'extracted')));
      return turns.length;
    });
  }

  /** Retention: delete turns older than `cutoff`, and summaries not updated since; returns the turns deleted. */
  async pruneBefore(cutoff: Date): Promise<number> {
    const deleted = await this.db
      .delete(messages)
      .where(lt(messages.createdAt, cutoff))
      .returning({ id: messages.id });
    await this.db.delete(conversationSummaries).where(lt(conversationSummaries.updatedAt, cutoff));
    return deleted.length;
  }

  async getSummary(conversationKey: string): Promise<ConversationSummary | undefined> {
    const [row] = await this.db
      .select()
      .from(conversationSummaries)
      .where(eq(conversationSummaries.conversationKey, conversationKey));
    return row && { ...row, taskId: row.taskId ?? undefined };
  }

  /** Save (or replace) a conversation's rolling summary. */
  async saveSummary(summary: Omit<ConversationSummary, 'updatedAt'>): Promise<void> {
    const values = {
      conversationKey: summary.conversationKey,
      content: summary.content,
      throughMessageId: summary.throughMessageId,
      taskId: summary.taskId ?? null,
    };
    await this.db
      .insert(conversationSummaries)
      .values(values)
      .onConflictDoUpdate({
        target: conversationSummaries.conversationKey,
        set: { ...values, updatedAt: sql`now()` },
      });
  }

  async extractedThrough(conversationKey: string): Promise<number> {
    const [row] = await this.db
      .select({ through: conversations.extractedThroughMessageId })
      .from(conversations)
      .where(eq(conversations.key, conversationKey));
    return row?.through ?? 0;
  }

  /** Move the conversation's extraction mark forward (never back, should two extractions race). */
  async markExtracted(conversationKey: string, messageId: number): Promise<void> {
    await this.db
      .update(conversations)
      .set({
        extractedThroughMessageId: sql`greatest(${conversations.extractedThroughMessageId}, ${messageId})`,
      })
      .where(eq(conversations.key, conversationKey));
  }
}
