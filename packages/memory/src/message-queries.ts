import { desc, eq } from 'drizzle-orm';
import { conversationNotFound, errorCodeOf, FOREIGN_KEY_VIOLATION } from './database-errors';
import type { MemoryDatabase } from './drizzle-store';
import { type QuestionContext, type QuestionContextQuery, questionContext } from './question-context';
import type { MessageRecord, NewMessage } from './records';
import { toMessageRecord } from './rows';
import { messages } from './schema';
import type { MessageStore } from './store';

/** A count or limit as a whole number of at least zero. */
export const atLeastZero = (value: number): number =>
  Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0;

/**
 * The newest `limit` turns of a conversation, newest first: the memory window's and `/history`'s query,
 * in the order of `messages_conversation_newest_index` (so it never scans other conversations' rows).
 */
export function newestMessagesQuery(db: MemoryDatabase, conversationKey: string, limit: number) {
  return db
    .select()
    .from(messages)
    .where(eq(messages.conversationKey, conversationKey))
    .orderBy(desc(messages.id))
    .limit(atLeastZero(limit));
}

/** {@link MessageStore} over drizzle: the same queries on PGlite and Postgres. */
export class MessageQueries implements MessageStore {
  constructor(private readonly db: MemoryDatabase) {}

  async addMessages(turns: readonly NewMessage[]): Promise<void> {
    if (turns.length === 0) return;
    try {
      await this.db.insert(messages).values(
        turns.map((turn) => ({
          conversationKey: turn.conversationKey,
          role: turn.role,
          content: turn.content,
          taskId: turn.taskId ?? null,
          authorId: turn.authorId ?? null,
        })),
      );
    } catch (error) {
      if (errorCodeOf(error) === FOREIGN_KEY_VIOLATION) {
        const keys = [...new Set(turns.map((turn) => turn.conversationKey))].join(', ');
        throw conversationNotFound(keys, error);
      }
      throw error;
    }
  }

  async recentMessages(conversationKey: string, limit: number): Promise<MessageRecord[]> {
    const rows = await newestMessagesQuery(this.db, conversationKey, limit);
    return rows.reverse().map(toMessageRecord);
  }

  questionContext(query: QuestionContextQuery): Promise<QuestionContext> {
    return questionContext(this.db, query);
  }

  async forgetMessages(conversationKey: string): Promise<number> {
    const deleted = await this.db
      .delete(messages)
      .where(eq(messages.conversationKey, conversationKey))
      .returning({ id: messages.id });
    return deleted.length;
  }
}
