import { and, asc, eq } from 'drizzle-orm';
import type { MemoryDatabase } from './drizzle-store';
import type { NewTaskStep, StepClaim, TaskStepRecord } from './records';
import { taskSteps } from './schema';
import type { TaskStepStore } from './store';

type StepRow = typeof taskSteps.$inferSelect;

const toStepRecord = (row: StepRow): TaskStepRecord => ({
  taskId: row.taskId,
  step: row.step,
  toolName: row.toolName,
  callHash: row.callHash,
  risk: row.risk,
  status: row.status,
  output: row.output ?? undefined,
  failed: row.failed,
});

/** {@link TaskStepStore} over drizzle: the key `(task_id, step)` is the primary key, so it is taken once. */
export class TaskStepQueries implements TaskStepStore {
  constructor(private readonly db: MemoryDatabase) {}

  async startStep(step: NewTaskStep): Promise<StepClaim> {
    const inserted = await this.db
      .insert(taskSteps)
      .values(step)
      .onConflictDoNothing()
      .returning({ step: taskSteps.step });
    if (inserted.length > 0) return { kind: 'new' };
    const [row] = await this.db
      .select()
      .from(taskSteps)
      .where(and(eq(taskSteps.taskId, step.taskId), eq(taskSteps.step, step.step)));
    return row ? { kind: 'recorded', step: toStepRecord(row) } : this.startStep(step);
  }

  async finishStep(taskId: string, step: number, output: string, failed: boolean): Promise<void> {
    await this.db
      .update(taskSteps)
      .set({ status: 'done', output, failed, finishedAt: new Date() })
      .where(and(eq(taskSteps.taskId, taskId), eq(taskSteps.step, step)));
  }

  async listSteps(taskId: string): Promise<TaskStepRecord[]> {
    const rows = await this.db
      .select()
      .from(taskSteps)
      .where(eq(taskSteps.taskId, taskId))
      .orderBy(asc(taskSteps.step));
    return rows.map(toStepRecord);
  }
}
