import { SwitchboardError } from '@switchboard/core';
import { and, eq, gt } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import type { ApprovalDecision, ApprovalRecord, DecideApprovalResult, NewApproval } from './records';
import { toApprovalRecord } from './rows';
import { approvals } from './schema';
import type { ApprovalStore } from './store';

/** The choice that approves a call and allows its tool for the rest of the conversation. */
export const ALLOW_CONVERSATION = 'allow-conversation';

/** {@link ApprovalStore} over drizzle: a decision is one conditional update, so it is recorded at most once. */
export class ApprovalQueries implements ApprovalStore {
  constructor(private readonly db: MemoryDatabase) {}

  async createApproval(approval: NewApproval): Promise<ApprovalRecord> {
    const [row] = await this.db
      .insert(approvals)
      .values({ ...approval, choices: [...approval.choices] })
      .returning();
    if (!row)
      throw new SwitchboardError('database_error', 'The database did not return the approval it saved.');
    return toApprovalRecord(row);
  }

  async getApproval(id: string): Promise<ApprovalRecord | undefined> {
    const [row] = await this.db.select().from(approvals).where(eq(approvals.id, id));
    return row ? toApprovalRecord(row) : undefined;
  }

  async decideApproval(id: string, decision: ApprovalDecision): Promise<DecideApprovalResult> {
    const [row] = await this.db
      .update(approvals)
      .set({
        status: decision.status,
        choice: decision.choice,
        decidedBy: decision.decidedBy,
        decidedAt: decision.at,
      })
      .where(and(eq(approvals.id, id), eq(approvals.status, 'pending'), gt(approvals.expiresAt, decision.at)))
      .returning();
    if (row) return { status: 'decided', approval: toApprovalRecord(row) };
    const existing = await this.getApproval(id);
    if (existing === undefined) return { status: 'unknown' };
    if (existing.status === 'pending') await this.expireApproval(id, decision.at);
    return { status: 'closed', approval: (await this.getApproval(id)) ?? existing };
  }

  async conversationGrants(conversationKey: string): Promise<string[]> {
    const rows = await this.db
      .selectDistinct({ toolName: approvals.toolName })
      .from(approvals)
      .where(
        and(
          eq(approvals.conversationKey, conversationKey),
          eq(approvals.status, 'approved'),
          eq(approvals.choice, ALLOW_CONVERSATION),
        ),
      );
    return rows.map((row) => row.toolName);
  }

  async expireApproval(id: string, at: Date): Promise<void> {
    await this.db
      .update(approvals)
      .set({ status: 'expired', decidedAt: at })
      .where(and(eq(approvals.id, id), eq(approvals.status, 'pending')));
  }
}
