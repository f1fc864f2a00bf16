import type { ConversationRef, InboundEvent, SentMessage } from '@switchboard/core';
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
import type { MigrationReport } from './migrations';
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

/** Conversations and their settings: the `/model` pin and the `/local` policy. */
export interface ConversationStore {
  /** Create or touch the conversation row. */
  ensureConversation(ref: ConversationRef): Promise<ConversationRecord>;
  getConversation(key: string): Promise<ConversationRecord | undefined>;
  /** Pin a model for the conversation, or unpin with `undefined`. */
  setPinnedModel(key: string, model: string | undefined): Promise<void>;
  /** Turn the conversation's local-only policy on or off (`/local`). */
  setLocalOnly(key: string, on: boolean): Promise<void>;
  /** Turn team memory on or off for the conversation (`/memory team`). */
  setTeamMemory(key: string, on: boolean): Promise<void>;
}

/** People: one person across platforms (`/link`, `/unlink`), with settings that follow them. */
export interface PeopleStore {
  /** The person an identity (`platform:userId`) is; created on first sight. */
  personFor(identity: string): Promise<string>;
  identitiesOf(personId: string): Promise<string[]>;
  /** A short code that joins another identity to the person until `expiresAt`. */
  createLinkCode(personId: string, expiresAt: Date): Promise<string>;
  /** Join `identity` to the person who made `code` (once, before it expires). */
  redeemLinkCode(code: string, identity: string, now: Date): Promise<LinkResult>;
  /** Give the identity a person of its own again; false when it was not linked to another. */
  unlinkIdentity(identity: string): Promise<boolean>;
  /** A secret token for downloading the person's `/export` until `expiresAt`. */
  createExportLink(personId: string, expiresAt: Date): Promise<string>;
  /** The person an unexpired export token belongs to. */
  personOfExportLink(token: string, now: Date): Promise<string | undefined>;
  personSettings(personId: string): Promise<Record<string, unknown>>;
  setPersonSetting(personId: string, name: string, value: unknown): Promise<void>;
}

/** Long-term memories: what a person asked to keep or the agent extracted, and recall. */
export interface LongTermMemoryStore {
  addMemory(memory: NewMemory): Promise<MemoryRecord>;
  /** A person's memories, newest first. */
  listMemories(personId: string, limit: number): Promise<MemoryRecord[]>;
  /** Delete one of the person's memories; false when they have none with that id. */
  forgetMemory(personId: string, id: number): Promise<boolean>;
  /** Top-k memories in scope for a question: full-text search fused with vector similarity. */
  recallMemories(query: RecallQuery): Promise<RecalledMemory[]>;
  /** Whether vector similarity runs in the database (the `vector` extension exists). */
  hasVectorExtension(): Promise<boolean>;
}

/** History search, rolling summaries, and the privacy primitives (ADR 0038). */
export interface PrivacyStore {
  /** Turns of the person's tasks matching `words`, newest first, with model and cost. */
  searchHistory(personId: string, words: string, limit: number): Promise<HistoryHit[]>;
  /** A conversation's turns, summary and extracted memories; returns the turns deleted. */
  forgetConversation(conversationKey: string): Promise<number>;
  /** Every row of the person in every table, as JSON (`/export`). */
  exportPerson(personId: string): Promise<PersonExport>;
  /** Delete every row of the person in every table (`/forget all`); counts per table. */
  forgetPerson(personId: string): Promise<Record<string, number>>;
  /** Retention: delete turns older than `cutoff`; returns how many. */
  pruneBefore(cutoff: Date): Promise<number>;
  getSummary(conversationKey: string): Promise<ConversationSummary | undefined>;
  saveSummary(summary: Omit<ConversationSummary, 'updatedAt'>): Promise<void>;
  /** The newest turn of the conversation facts were extracted from (`MEMORY_EXTRACT`); 0 when none. */
  extractedThrough(conversationKey: string): Promise<number>;
  /** Record that facts were extracted from the conversation's turns up to `messageId`. */
  markExtracted(conversationKey: string, messageId: number): Promise<void>;
}

/** Tasks (one per request) and their append-only events. */
export interface TaskStore {
  /**
   * Record the inbound event id and create its task in one transaction. An event id seen before
   * returns `duplicate` with the task it made, and creates nothing.
   */
  beginTask(task: NewTask): Promise<BeginTaskResult>;
  updateTask(id: string, patch: TaskPatch): Promise<void>;
  getTask(id: string): Promise<TaskRecord | undefined>;
  /** Tasks of a conversation (only those of `command` when given), newest first. */
  listTasks(conversationKey: string, limit: number, command?: string): Promise<TaskRecord[]>;
  /** Find a task by a unique prefix of its id within a conversation. */
  findTask(conversationKey: string, idPrefix: string): Promise<TaskRecord | undefined>;
  appendTaskEvent(taskId: string, type: string, data: unknown): Promise<void>;
  /**
   * A running task starts (`true`) or stops waiting for a person (an approval): `waiting` ⇄ `running`.
   * A task that ended or was cancelled meanwhile is left as it is.
   */
  setWaiting(taskId: string, waiting: boolean): Promise<void>;
  listTaskEvents(taskId: string): Promise<TaskEventRecord[]>;
  /** How many tasks there are in each status, over the whole database (for `/metrics`). */
  countTasksByStatus(): Promise<Record<string, number>>;
}

/**
 * The durable lifecycle of tasks (DESIGN.md §5b; ADR 0030 and 0031): the inbox, claims under a lease,
 * endings that store the final reply with the task in one statement, lease renewal, recovery of tasks
 * whose process died, and the outbox's record of what delivery did. Every method is one SQL statement.
 */
export interface TaskLifecycleStore {
  /**
   * The inbox: record an event, its conversation and its task (`queued`, or `running` under the lease)
   * before the platform is told the event arrived. A seen event id creates nothing and returns its task.
   */
  recordInbound(entry: InboxEntry): Promise<InboxResult>;
  /** Undo {@link recordInbound} for an event the box could not take (busy), so a redelivery is new. */
  forgetInbound(eventId: string): Promise<void>;
  /**
   * Make the event's task `running` under the lease, creating it (and its conversation) when no inbox
   * recorded it: a `queued` task is taken, a `running` one only when its lease expired or the bus
   * redelivered the event. Otherwise `duplicate` with the task as it is.
   */
  claimTask(claim: TaskClaim): Promise<ClaimResult>;
  /**
   * Read a task the inbox recorded `running` for this process, with its conversation (no write), and
   * the question's context when `context` asks for it (same round trip).
   */
  loadTask(
    taskId: string,
    conversation: InboundEvent['conversation'],
    context?: QuestionContextQuery,
  ): Promise<LoadedTask | undefined>;
  /**
   * End an open task with its final reply, figures, turns and events, in one statement. False when the
   * task had already ended (nothing is written then).
   */
  finishTask(taskId: string, end: TaskEnd): Promise<boolean>;
  /** Extend every lease `lease.owner` holds; returns how many tasks it holds. */
  renewLeases(lease: Lease): Promise<number>;
  /** Every process that holds some task's lease. */
  leaseOwners(): Promise<string[]>;
  /**
   * Tasks held by another process whose lease expired or that is known dead: open ones and ended ones
   * whose reply was never delivered, oldest first.
   */
  recoverableTasks(me: string, deadOwners: readonly string[], limit: number): Promise<RecoverableTask[]>;
  /**
   * Move a task's lease from `previousOwner` to `lease.owner` (false when someone else took it first);
   * `requeue` makes an open task `queued` again, for a worker to claim.
   */
  adoptTask(taskId: string, previousOwner: string, lease: Lease, requeue: boolean): Promise<boolean>;
  /**
   * A worker hands a task it runs back to the queue (it is shutting down, ADR 0048): `running` under
   * `owner` becomes `queued` with no lease, for the worker that gets the event next to claim. False when
   * the task is not running under `owner` (another worker took it over, or it ended).
   */
  handBackTask(taskId: string, owner: string): Promise<boolean>;
  /**
   * A worker gives up a task that went on in the background (its event is no longer on the bus, ADR 0055):
   * the task stays open under `owner` with its lease ended now, so recovery adopts it at its next sweep
   * and queues it again. False when the task is not open under `owner`.
   */
  expireLease(taskId: string, owner: string): Promise<boolean>;
  /** The event the inbox recorded. */
  inboundEvent(eventId: string): Promise<InboundEvent | undefined>;
}

/** The outbox: the platform messages each reply shows, and which final replies reached the platform. */
export interface DeliveryRecordStore {
  /** Record the messages a request's reply shows now (replacing what was recorded). */
  recordSent(eventId: string, sent: readonly SentMessage[]): Promise<void>;
  /** The final replies of these requests reached the platform: the box owes them nothing more. */
  markDelivered(eventIds: readonly string[]): Promise<void>;
  /**
   * The ids of the platform messages recorded for the other requests of a conversation (tasks created
   * since `since`): recovery must not take them for the recovered request's own (ADR 0049).
   */
  recordedForOthers(query: RecordedForOthersQuery): Promise<string[]>;
}

/** What {@link DeliveryRecordStore.recordedForOthers} looks for. */
export interface RecordedForOthersQuery {
  /** The recovered request. */
  readonly eventId: string;
  readonly conversationKey: string;
  readonly since: Date;
}

/** Tokens and cost added up over tasks, for `/usage` and the daily cloud budget. */
export interface UsageStore {
  /**
   * Tokens and cost per model of the tasks created in `[since, until)`, optionally of one author. Tasks
   * without a model are left out. Ordered by cost, then task count, most first.
   */
  usageSummary(query: UsageQuery): Promise<UsageRow[]>;
  /** US dollars the author's tasks on cloud models (every model but `llama:*`) cost since `since`. */
  cloudSpendSince(authorId: string, since: Date): Promise<number>;
}

/**
 * The daily cloud budget as a ledger: a model call reserves its maximum cost before it starts and settles
 * to its real cost when it ends, so concurrent requests cannot together spend past the budget (ADR 0032).
 */
export interface BudgetStore {
  /**
   * Reserve `amountUsd` of the author's budget for `day` if the day's spend (the settled cost of their
   * cloud tasks plus reservations still held) stays within `budgetUsd`; atomic against concurrent calls.
   */
  reserveCloudSpend(reservation: SpendReservation): Promise<SpendReservationResult>;
  /** Settle or release a reservation: move the day's spend by `deltaUsd` (never below 0). */
  adjustCloudSpend(authorId: string, day: string, deltaUsd: number): Promise<void>;
}

/** The remembered turns of each conversation (the memory window, `/history`, `/forget`). */
export interface MessageStore {
  addMessages(messages: readonly NewMessage[]): Promise<void>;
  /** The newest `limit` turns of a conversation, oldest first. */
  recentMessages(conversationKey: string, limit: number): Promise<MessageRecord[]>;
  /** Delete a conversation's turns; returns how many were deleted. */
  forgetMessages(conversationKey: string): Promise<number>;
  /** What answering a question reads — person, memories present, summary, newest turns — in one round trip. */
  questionContext(query: QuestionContextQuery): Promise<QuestionContext>;
}

/** Approval requests of tool calls and their decisions. */
export interface ApprovalStore {
  createApproval(approval: NewApproval): Promise<ApprovalRecord>;
  getApproval(id: string): Promise<ApprovalRecord | undefined>;
  /**
   * Record a decision, only while the approval is `pending` and not past `expiresAt` (at `decision.at`):
   * of two presses, one decides and the other gets `closed`. A pending approval past its time becomes
   * `expired` here.
   */
  decideApproval(id: string, decision: ApprovalDecision): Promise<DecideApprovalResult>;
  /** Mark a still-pending approval `expired`. */
  expireApproval(id: string, at: Date): Promise<void>;
  /** Tools someone allowed for the whole conversation (an approval decided with `allow-conversation`). */
  conversationGrants(conversationKey: string): Promise<string[]>;
}

/** The steps (tool calls) of tasks under their idempotency keys `(task, step)`. */
export interface TaskStepStore {
  /**
   * Record `step` as `running` unless its key is taken (one statement, `on conflict do nothing`): `new`
   * when this call took it, else the step as recorded before (by an earlier run of the same task).
   */
  startStep(step: NewTaskStep): Promise<StepClaim>;
  /** Record what the step gave the model, and that it is `done`. */
  finishStep(taskId: string, step: number, output: string, failed: boolean): Promise<void>;
  /** The task's steps, in order. */
  listSteps(taskId: string): Promise<TaskStepRecord[]>;
}

/** Prompts run on a schedule. */
export interface ScheduleStore {
  createSchedule(schedule: NewSchedule): Promise<ScheduleRecord>;
  /** The conversation's schedules, oldest first. */
  listSchedules(conversationKey: string): Promise<ScheduleRecord[]>;
  /** Delete one of the conversation's schedules; false when it has none of that id. */
  deleteSchedule(conversationKey: string, id: string): Promise<boolean>;
  /** Schedules whose next run is at or before `now`, earliest first. */
  dueSchedules(now: Date, limit: number): Promise<ScheduleRecord[]>;
  /**
   * Claim the run due at `dueAt` by moving the schedule on to `nextRunAt` (`undefined`: it never runs
   * again), in one conditional update: true for exactly one of the workers that try.
   */
  claimRun(id: string, dueAt: Date, nextRunAt: Date | undefined, now: Date): Promise<boolean>;
}

/** The pinned definitions of tools from outside the box (MCP), by registry name. */
export interface ToolPinStore {
  /** The approved definition hash of a tool, or `undefined` when it was never approved. */
  toolPin(toolName: string): Promise<ToolPin | undefined>;
  /** Pin (or re-pin) a tool to the definition just approved. */
  pinTool(pin: NewToolPin): Promise<void>;
}

/**
 * Everything the box remembers, in Postgres (embedded PGlite or a real server through `pg`), plus the
 * connection's own life. Both drivers pass the same test suite. Code that only reads or writes one
 * concern takes the narrow interface ({@link ConversationStore}, {@link TaskStore}, {@link UsageStore}, {@link BudgetStore},
 * {@link MessageStore}) instead.
 */
export interface Store
  extends ConversationStore,
    TaskStore,
    TaskLifecycleStore,
    DeliveryRecordStore,
    UsageStore,
    BudgetStore,
    MessageStore,
    PeopleStore,
    LongTermMemoryStore,
    PrivacyStore,
    ApprovalStore,
    TaskStepStore,
    ScheduleStore,
    ToolPinStore {
  /** Which driver is behind it: `pglite` or `postgres`. */
  readonly driver: 'pglite' | 'postgres';
  /** Resolves when the database answers; rejects when it does not (for `/healthz`). */
  ping(): Promise<void>;
  /** Apply pending migrations (also done by the openers) and say which it applied. */
  migrate(): Promise<MigrationReport>;
  close(): Promise<void>;
}
