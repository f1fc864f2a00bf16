import type { ConversationRef, InboundEvent, SentMessage } from '@switchboard/core';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { ApprovalQueries } from './approval-queries';
import { adjustCloudSpend, reserveCloudSpend } from './budget-queries';
import { ConversationQueries } from './conversation-queries';
import { HistoryQueries } from './history-queries';
import { LifecycleQueries } from './lifecycle-queries';
import { MemoryQueries } from './memory-queries';
import type {
  ConversationSummary,
  HistoryHit,
  LinkResult,
  MemoryRecord,
  NewMemory,
  PersonExport,
  RecalledMemory,
  RecallQuery,
} from './memory-records';
import { MessageQueries } from './message-queries';
import type { MigrationReport } from './migrations';
import { PeopleQueries } from './people-queries';
import { exportPerson, forgetPerson } from './person-data';
import type { QuestionContext, QuestionContextQuery } from './question-context';
import type {
  ApprovalDecision,
  ApprovalRecord,
  BeginTaskResult,
  ClaimResult,
  ConversationRecord,
  DecideApprovalResult,
  InboxEntry,
  InboxResult,
  Lease,
  LoadedTask,
  MessageRecord,
  NewApproval,
  NewMessage,
  NewSchedule,
  NewTask,
  NewTaskStep,
  NewToolPin,
  RecoverableTask,
  ScheduleRecord,
  SpendReservation,
  SpendReservationResult,
  StepClaim,
  TaskClaim,
  TaskEnd,
  TaskEventRecord,
  TaskPatch,
  TaskRecord,
  TaskStepRecord,
  ToolPin,
  UsageQuery,
  UsageRow,
} from './records';
import { ScheduleQueries } from './schedule-queries';
import type { schema } from './schema';
import type { RecordedForOthersQuery, Store } from './store';
import { TaskQueries } from './task-queries';
import { TaskStepQueries } from './task-step-queries';
import { ToolPinQueries } from './tool-pin-queries';
import { cloudSpendSince, usageSummary } from './usage-queries';
import { enableVector } from './vector-support';

/** A drizzle database over our schema, from either driver (`drizzle-orm/pglite` or `drizzle-orm/node-postgres`). */
export type MemoryDatabase = PgDatabase<PgQueryResultHKT, typeof schema>;

/** What a driver hands to {@link DrizzleStore}: the database and how to migrate and close it. */
export interface DriverConnection {
  readonly driver: Store['driver'];
  readonly db: MemoryDatabase;
  /** Apply pending migrations and say which; safe to call again. */
  migrate(): Promise<MigrationReport>;
  /** Release the connection (pool, PGlite instance, data-folder lock). Called once. */
  close(): Promise<void>;
}

/**
 * The one {@link Store}: plain drizzle queries that run the same on PGlite and on Postgres, one module
 * per concern (`conversation-queries.ts`, `task-queries.ts`, `message-queries.ts`, `usage-queries.ts`).
 * Open it with `openStore()`, which picks the driver.
 */
export class DrizzleStore implements Store {
  readonly driver: Store['driver'];
  readonly #connection: DriverConnection;
  readonly #db: MemoryDatabase;
  readonly #conversations: ConversationQueries;
  readonly #tasks: TaskQueries;
  readonly #messages: MessageQueries;
  readonly #people: PeopleQueries;
  readonly #memories: MemoryQueries;
  readonly #history: HistoryQueries;
  #vector: Promise<boolean> | undefined;
  readonly #approvals: ApprovalQueries;
  readonly #toolPins: ToolPinQueries;
  readonly #lifecycle: LifecycleQueries;
  readonly #steps: TaskStepQueries;
  readonly #schedules: ScheduleQueries;
  #closing: Promise<void> | undefined;

  readonly #useVector: boolean;

  constructor(connection: DriverConnection, options: { readonly vector?: boolean } = {}) {
    this.#useVector = options.vector !== false;
    this.driver = connection.driver;
    this.#connection = connection;
    this.#db = connection.db;
    this.#conversations = new ConversationQueries(connection.db);
    this.#tasks = new TaskQueries(connection.db);
    this.#messages = new MessageQueries(connection.db);
    this.#people = new PeopleQueries(connection.db);
    this.#memories = new MemoryQueries(connection.db, () => this.hasVectorExtension());
    this.#history = new HistoryQueries(connection.db);
    this.#approvals = new ApprovalQueries(connection.db);
    this.#toolPins = new ToolPinQueries(connection.db);
    this.#lifecycle = new LifecycleQueries(connection.db);
    this.#steps = new TaskStepQueries(connection.db);
    this.#schedules = new ScheduleQueries(connection.db);
  }

  createSchedule(schedule: NewSchedule): Promise<ScheduleRecord> {
    return this.#schedules.createSchedule(schedule);
  }

  listSchedules(conversationKey: string): Promise<ScheduleRecord[]> {
    return this.#schedules.listSchedules(conversationKey);
  }

  deleteSchedule(conversationKey: string, id: string): Promise<boolean> {
    return this.#schedules.deleteSchedule(conversationKey, id);
  }

  dueSchedules(now: Date, limit: number): Promise<ScheduleRecord[]> {
    return this.#schedules.dueSchedules(now, limit);
  }

  claimRun(id: string, dueAt: Date, nextRunAt: Date | undefined, now: Date): Promise<boolean> {
    return this.#schedules.claimRun(id, dueAt, nextRunAt, now);
  }

  startStep(step: NewTaskStep): Promise<StepClaim> {
    return this.#steps.startStep(step);
  }

  finishStep(taskId: string, step: number, output: string, failed: boolean): Promise<void> {
    return this.#steps.finishStep(taskId, step, output, failed);
  }

  listSteps(taskId: string): Promise<TaskStepRecord[]> {
    return this.#steps.listSteps(taskId);
  }

  /** Detected once (after migrations): whether the `vector` extension is there to use. */
  hasVectorExtension(): Promise<boolean> {
    this.#vector ??= this.#useVector ? enableVector(this.#db).catch(() => false) : Promise.resolve(false);
    return this.#vector;
  }

  setTeamMemory(key: string, on: boolean): Promise<void> {
    return this.#conversations.setTeamMemory(key, on);
  }

  personFor(identity: string): Promise<string> {
    return this.#people.personFor(identity);
  }

  identitiesOf(personId: string): Promise<string[]> {
    return this.#people.identitiesOf(personId);
  }

  createLinkCode(personId: string, expiresAt: Date): Promise<string> {
    return this.#people.createLinkCode(personId, expiresAt);
  }

  redeemLinkCode(code: string, identity: string, now: Date): Promise<LinkResult> {
    return this.#people.redeemLinkCode(code, identity, now);
  }

  unlinkIdentity(identity: string): Promise<boolean> {
    return this.#people.unlinkIdentity(identity);
  }

  createExportLink(personId: string, expiresAt: Date): Promise<string> {
    return this.#people.createExportLink(personId, expiresAt);
  }

  personOfExportLink(token: string, now: Date): Promise<string | undefined> {
    return this.#people.personOfExportLink(token, now);
  }

  personSettings(personId: string): Promise<Record<string, unknown>> {
    return this.#people.personSettings(personId);
  }

  setPersonSetting(personId: string, name: string, value: unknown): Promise<void> {
    return this.#people.setPersonSetting(personId, name, value);
  }

  addMemory(memory: NewMemory): Promise<MemoryRecord> {
    return this.#memories.addMemory(memory);
  }

  listMemories(personId: string, limit: number): Promise<MemoryRecord[]> {
    return this.#memories.listMemories(personId, limit);
  }

  forgetMemory(personId: string, id: number): Promise<boolean> {
    return this.#memories.forgetMemory(personId, id);
  }

  recallMemories(query: RecallQuery): Promise<RecalledMemory[]> {
    return this.#memories.recall(query);
  }

  searchHistory(personId: string, words: string, limit: number): Promise<HistoryHit[]> {
    return this.#history.searchHistory(personId, words, limit);
  }

  forgetConversation(conversationKey: string): Promise<number> {
    return this.#history.forgetConversation(conversationKey);
  }

  exportPerson(personId: string): Promise<PersonExport> {
    return exportPerson(this.#db, personId, new Date());
  }

  forgetPerson(personId: string): Promise<Record<string, number>> {
    return forgetPerson(this.#db, personId);
  }

  pruneBefore(cutoff: Date): Promise<number> {
    return this.#history.pruneBefore(cutoff);
  }

  getSummary(conversationKey: string): Promise<ConversationSummary | undefined> {
    return this.#history.getSummary(conversationKey);
  }

  saveSummary(summary: Omit<ConversationSummary, 'updatedAt'>): Promise<void> {
    return this.#history.saveSummary(summary);
  }

  extractedThrough(conversationKey: string): Promise<number> {
    return this.#history.extractedThrough(conversationKey);
  }

  markExtracted(conversationKey: string, messageId: number): Promise<void> {
    return this.#history.markExtracted(conversationKey, messageId);
  }

  recordInbound(entry: InboxEntry): Promise<InboxResult> {
    return this.#lifecycle.recordInbound(entry);
  }

  forgetInbound(eventId: string): Promise<void> {
    return this.#lifecycle.forgetInbound(eventId);
  }

  claimTask(claim: TaskClaim): Promise<ClaimResult> {
    return this.#lifecycle.claimTask(claim);
  }

  loadTask(
    taskId: string,
    conversation: ConversationRef,
    context?: QuestionContextQuery,
  ): Promise<LoadedTask | undefined> {
    return this.#lifecycle.loadTask(taskId, conversation, context);
  }

  finishTask(taskId: string, end: TaskEnd): Promise<boolean> {
    return this.#lifecycle.finishTask(taskId, end);
  }

  renewLeases(lease: Lease): Promise<number> {
    return this.#lifecycle.renewLeases(lease);
  }

  leaseOwners(): Promise<string[]> {
    return this.#lifecycle.leaseOwners();
  }

  recoverableTasks(me: string, deadOwners: readonly string[], limit: number): Promise<RecoverableTask[]> {
    return this.#lifecycle.recoverableTasks(me, deadOwners, limit);
  }

  handBackTask(taskId: string, owner: string): Promise<boolean> {
    return this.#lifecycle.handBackTask(taskId, owner);
  }

  expireLease(taskId: string, owner: string): Promise<boolean> {
    return this.#lifecycle.expireLease(taskId, owner);
  }

  adoptTask(taskId: string, previousOwner: string, lease: Lease, requeue: boolean): Promise<boolean> {
    return this.#lifecycle.adoptTask(taskId, previousOwner, lease, requeue);
  }

  inboundEvent(eventId: string): Promise<InboundEvent | undefined> {
    return this.#lifecycle.inboundEvent(eventId);
  }

  recordSent(eventId: string, sent: readonly SentMessage[]): Promise<void> {
    return this.#lifecycle.recordSent(eventId, sent);
  }

  markDelivered(eventIds: readonly string[]): Promise<void> {
    return this.#lifecycle.markDelivered(eventIds);
  }

  recordedForOthers(query: RecordedForOthersQuery): Promise<string[]> {
    return this.#lifecycle.recordedForOthers(query);
  }

  ensureConversation(ref: ConversationRef): Promise<ConversationRecord> {
    return this.#conversations.ensureConversation(ref);
  }

  getConversation(key: string): Promise<ConversationRecord | undefined> {
    return this.#conversations.getConversation(key);
  }

  setPinnedModel(key: string, model: string | undefined): Promise<void> {
    return this.#conversations.setPinnedModel(key, model);
  }

  setLocalOnly(key: string, on: boolean): Promise<void> {
    return this.#conversations.setLocalOnly(key, on);
  }

  beginTask(task: NewTask): Promise<BeginTaskResult> {
    return this.#tasks.beginTask(task);
  }

  updateTask(id: string, patch: TaskPatch): Promise<void> {
    return this.#tasks.updateTask(id, patch);
  }

  getTask(id: string): Promise<TaskRecord | undefined> {
    return this.#tasks.getTask(id);
  }

  listTasks(conversationKey: string, limit: number, command?: string): Promise<TaskRecord[]> {
    return this.#tasks.listTasks(conversationKey, limit, command);
  }

  findTask(conversationKey: string, idPrefix: string): Promise<TaskRecord | undefined> {
    return this.#tasks.findTask(conversationKey, idPrefix);
  }

  countTasksByStatus(): Promise<Record<string, number>> {
    return this.#tasks.countTasksByStatus();
  }

  appendTaskEvent(taskId: string, type: string, data: unknown): Promise<void> {
    return this.#tasks.appendTaskEvent(taskId, type, data);
  }

  questionContext(query: QuestionContextQuery): Promise<QuestionContext> {
    return this.#messages.questionContext(query);
  }

  setWaiting(taskId: string, waiting: boolean): Promise<void> {
    return this.#tasks.setWaiting(taskId, waiting);
  }

  listTaskEvents(taskId: string): Promise<TaskEventRecord[]> {
    return this.#tasks.listTaskEvents(taskId);
  }

  usageSummary(query: UsageQuery): Promise<UsageRow[]> {
    return usageSummary(this.#db, query);
  }

  cloudSpendSince(authorId: string, since: Date): Promise<number> {
    return cloudSpendSince(this.#db, authorId, since);
  }

  reserveCloudSpend(reservation: SpendReservation): Promise<SpendReservationResult> {
    return reserveCloudSpend(this.#db, reservation);
  }

  adjustCloudSpend(authorId: string, day: string, deltaUsd: number): Promise<void> {
    return adjustCloudSpend(this.#db, authorId, day, deltaUsd);
  }

  addMessages(turns: readonly NewMessage[]): Promise<void> {
    return this.#messages.addMessages(turns);
  }

  recentMessages(conversationKey: string, limit: number): Promise<MessageRecord[]> {
    return this.#messages.recentMessages(conversationKey, limit);
  }

  forgetMessages(conversationKey: string): Promise<number> {
    return this.#messages.forgetMessages(conversationKey);
  }

  createApproval(approval: NewApproval): Promise<ApprovalRecord> {
    return this.#approvals.createApproval(approval);
  }

  getApproval(id: string): Promise<ApprovalRecord | undefined> {
    return this.#approvals.getApproval(id);
  }

  decideApproval(id: string, decision: ApprovalDecision): Promise<DecideApprovalResult> {
    return this.#approvals.decideApproval(id, decision);
  }

  expireApproval(id: string, at: Date): Promise<void> {
    return this.#approvals.expireApproval(id, at);
  }

  conversationGrants(conversationKey: string): Promise<string[]> {
    return this.#approvals.conversationGrants(conversationKey);
  }

  toolPin(toolName: string): Promise<ToolPin | undefined> {
    return this.#toolPins.toolPin(toolName);
  }

  pinTool(pin: NewToolPin): Promise<void> {
    return this.#toolPins.pinTool(pin);
  }

  /** Resolves when the database answers a trivial query; rejects otherwise (for `/healthz`). */
  async ping(): Promise<void> {
    await this.#db.execute(sql`select 1`);
  }

  migrate(): Promise<MigrationReport> {
    return this.#connection.migrate();
  }

  /** Safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= this.#lifecycle.settled().then(() => this.#connection.close());
    return this.#closing;
  }
}
