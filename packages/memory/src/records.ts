import type {
  Author,
  ConversationRef,
  FinishReason,
  InboundEvent,
  ReplyAddress,
  ReplyPart,
  SentMessage,
} from '@switchboard/core';
import type { QuestionContext, QuestionContextQuery } from './question-context';

/**
 * A task's life: `queued` (recorded, not started) → `running` → (`waiting` for a person) → `succeeded`,
 * `failed` or `cancelled`. An open task (the first three) always has a lease; one whose lease expired is
 * recovered, so no task stays open after its process died.
 */
export type TaskStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';

/** The statuses of a task that has not ended. */
export const OPEN_STATUSES: readonly TaskStatus[] = ['queued', 'running', 'waiting'];

/**
 * The task event a worker appends when a task goes on in the background (ADR 0040), before the bus
 * acknowledges its event: from then on the bus no longer holds the event, so a redelivery of it never
 * takes the task over, and recovery queues the task again under a fresh key (ADR 0055).
 */
export const BACKGROUND_TASK_EVENT = 'background';

/** One conversation, keyed by `conversationKey(ref)`. */
export interface ConversationRecord extends ConversationRef {
  readonly key: string;
  /** The model pinned with `/model`, if any. */
  readonly pinnedModel: string | undefined;
  /** Set with `/local on`: the conversation must never be sent to a cloud model. */
  readonly localOnly: boolean;
  /** Set with `/memory team on`: memories kept here are recalled for everyone in the channel. */
  readonly teamMemory: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** One request and everything known about how it was handled. */
export interface TaskRecord {
  readonly id: string;
  /** The inbound event id; unique, so a redelivered event never makes a second task. */
  readonly eventId: string;
  readonly conversationKey: string;
  /** `platform:userId` of the author. */
  readonly authorId: string;
  readonly command: string;
  readonly status: TaskStatus;
  readonly model: string | undefined;
  readonly routeReason: string | undefined;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly timeToFirstTokenMs: number | undefined;
  readonly durationMs: number | undefined;
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
  /**
   * Why the model stopped the answer the task delivered: `stop` (it was done), `length` (it reached the
   * output token limit, so the answer is cut), `tool-calls`, `abort`, `other`. Unset when no answer came.
   */
  readonly finishReason: FinishReason | undefined;
  /** How many times a worker started it (more than 1 after a worker died mid-task); 0 while queued. */
  readonly attempts: number;
  /** The process holding the task (open, or ended with its reply still owed to the platform). */
  readonly leaseOwner: string | undefined;
  readonly leaseExpiresAt: Date | undefined;
  /** The final part the user was sent, stored as the task ended. */
  readonly reply: ReplyPart | undefined;
  readonly createdAt: Date;
  readonly finishedAt: Date | undefined;
}

/** What a new task starts with. */
export interface NewTask {
  readonly id: string;
  readonly eventId: string;
  readonly conversationKey: string;
  readonly authorId: string;
  readonly command: string;
  /** When the request arrived; the database's clock when left out (imports and tests set it). */
  readonly createdAt?: Date;
}

/** Fields a task gains while it runs and when it ends. */
export type TaskPatch = Partial<
  Pick<
    TaskRecord,
    | 'status'
    | 'model'
    | 'routeReason'
    | 'inputTokens'
    | 'outputTokens'
    | 'costUsd'
    | 'timeToFirstTokenMs'
    | 'durationMs'
    | 'errorCode'
    | 'errorMessage'
    | 'finishReason'
    | 'attempts'
    | 'finishedAt'
  >
>;

/** An append-only record of one step of a task (route decision, fallback, tool call, retry…). */
export interface TaskEventRecord {
  readonly id: number;
  readonly taskId: string;
  readonly type: string;
  readonly data: unknown;
  readonly at: Date;
}

/** One remembered turn. */
export interface MessageRecord {
  readonly id: number;
  readonly conversationKey: string;
  readonly role: 'user' | 'assistant';
  readonly content: string;
  readonly taskId: string | undefined;
  readonly authorId: string | undefined;
  readonly createdAt: Date;
}

/** A turn to remember. */
export type NewMessage = Omit<MessageRecord, 'id' | 'createdAt'>;

/** Tokens and cost of one model over a period, from {@link Store.usageSummary}. */
export interface UsageRow {
  /** The model ref, `provider:model`. */
  readonly model: string;
  readonly tasks: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** US dollars, as recorded on the tasks when they ended. */
  readonly costUsd: number;
}

/** Which tasks {@link Store.usageSummary} adds up. */
export interface UsageQuery {
  /** Tasks created at or after this moment. */
  readonly since: Date;
  /** Tasks created before this moment; no end when left out. */
  readonly until?: Date;
  /** Only this author's tasks (`platform:userId`); everyone's when left out. */
  readonly authorId?: string;
}

/** The result of {@link Store.beginTask}. */
export type BeginTaskResult =
  | { readonly status: 'created'; readonly task: TaskRecord }
  | { readonly status: 'duplicate'; readonly task: TaskRecord };

/** A hold on a person's daily cloud budget, asked for before a model call (ADR 0032). */
export interface SpendReservation {
  /** `platform:userId`. */
  readonly authorId: string;
  /** The UTC day the spend counts against, `YYYY-MM-DD`. */
  readonly day: string;
  /** The most the call can cost, in US dollars. */
  readonly amountUsd: number;
  /** The person's daily cloud budget, in US dollars. */
  readonly budgetUsd: number;
}

/** Whether {@link SpendReservation} fit, and what the day's spend (settled plus reserved) stands at. */
export interface SpendReservationResult {
  readonly reserved: boolean;
  readonly committedUsd: number;
}
/** An approval's life: `pending` until someone decides it or it expires. */
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

/** A request for a human decision on one exact tool call. */
export interface ApprovalRecord {
  readonly id: string;
  readonly taskId: string;
  readonly conversationKey: string;
  /** `platform:userId` of the person whose request made the call. */
  readonly requester: string;
  readonly toolName: string;
  /** SHA-256 of the tool name and its canonical JSON arguments: what the decision is bound to. */
  readonly argumentsHash: string;
  readonly arguments: unknown;
  /** The line people decide on: the exact command or URL. */
  readonly summary: string;
  readonly choices: readonly string[];
  readonly status: ApprovalStatus;
  /** The choice that decided it, when decided. */
  readonly choice: string | undefined;
  readonly decidedBy: string | undefined;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly decidedAt: Date | undefined;
}

/** What a new approval request starts with. */
export type NewApproval = Pick<
  ApprovalRecord,
  | 'id'
  | 'taskId'
  | 'conversationKey'
  | 'requester'
  | 'toolName'
  | 'argumentsHash'
  | 'arguments'
  | 'summary'
  | 'choices'
  | 'expiresAt'
>;

/** A decision to record: the choice, whether it approves, who made it and when. */
export interface ApprovalDecision {
  readonly choice: string;
  readonly status: 'approved' | 'denied';
  readonly decidedBy: string;
  readonly at: Date;
}

/** How recording a decision went: the decided record, or why nothing changed. */
export type DecideApprovalResult =
  | { readonly status: 'decided'; readonly approval: ApprovalRecord }
  | { readonly status: 'unknown' }
  /** Already decided, or expired: the record as it is. */
  | { readonly status: 'closed'; readonly approval: ApprovalRecord };

/** The approved definition of a tool from outside the box. */
export interface ToolPin {
  readonly toolName: string;
  /** SHA-256 of the tool's name, description and input schema (canonical JSON). */
  readonly definitionHash: string;
  /** The approved description and input schema. */
  readonly definition: unknown;
  readonly pinnedAt: Date;
}

/** A definition to pin. */
export type NewToolPin = Omit<ToolPin, 'pinnedAt'>;

/** A claim on open tasks: who holds it and for how long from now (the database's clock). */
export interface Lease {
  /** `host:pid:boot` of the holding process. */
  readonly owner: string;
  readonly ms: number;
}

/** What the gateway's inbox records for an event before the platform is told it arrived. */
export interface InboxEntry {
  readonly event: InboundEvent;
  /**
   * A new id for every entry: the same entry sent again (after an answer lost in a broken connection)
   * is told apart from a repeat of its event by this id.
   */
  readonly taskId: string;
  /** `platform:userId` of the author. */
  readonly authorId: string;
  readonly command: string;
  /** `running` when the recording process works on it itself (one process), `queued` otherwise. */
  readonly status: 'queued' | 'running';
  readonly lease: Lease;
}

/** The result of {@link TaskLifecycleStore.recordInbound}. */
export type InboxResult =
  | { readonly status: 'recorded'; readonly taskId: string }
  | {
      readonly status: 'duplicate';
      readonly task: TaskRecord;
      /** True once the final reply reached the platform. */
      readonly delivered: boolean;
    };

/** A worker's claim on the task of an event (made here when no inbox recorded one). */
export interface TaskClaim {
  /** The id a new task gets. */
  readonly id: string;
  readonly eventId: string;
  readonly conversation: ConversationRef;
  readonly authorId: string;
  readonly command: string;
  readonly lease: Lease;
  /** The bus redelivered the event (its worker died): a `running` task may be taken over. */
  readonly redelivered: boolean;
  /** Also read the question's context, in the same round trip (a question about to be answered). */
  readonly context?: QuestionContextQuery;
}

/** A task read back by {@link TaskLifecycleStore.loadTask}, with its conversation. */
export interface LoadedTask {
  readonly task: TaskRecord;
  readonly conversation: ConversationRecord;
  /** The question's context, when the read asked for it. */
  readonly context?: QuestionContext;
}

/** The result of {@link TaskLifecycleStore.claimTask}. */
export type ClaimResult =
  | {
      readonly status: 'claimed';
      readonly task: TaskRecord;
      readonly conversation: ConversationRecord;
      /** The question's context, when the claim asked for it. */
      readonly context?: QuestionContext;
    }
  | { readonly status: 'duplicate'; readonly task: TaskRecord };

/** How a task ends; everything in it is written by one statement. */
export interface TaskEnd {
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  /** The final part sent to the user (`reply-end` or `error`). */
  readonly reply: ReplyPart;
  readonly patch?: Omit<TaskPatch, 'status' | 'finishedAt' | 'attempts'>;
  /** Turns to remember with it. */
  readonly messages?: readonly NewMessage[];
  /** Task events to append with it (the route decision…). */
  readonly events?: readonly { readonly type: string; readonly data: unknown }[];
  /** Keep the lease until the reply is delivered (the outbox): the platform must still be told. */
  readonly owesDelivery: boolean;
}

/** An open task whose process died, or an ended one whose reply was never delivered. */
export interface RecoverableTask {
  readonly task: TaskRecord;
  /** The event as the inbox recorded it; undefined when no inbox did (nothing to answer at). */
  readonly event: InboundEvent | undefined;
  /** The platform messages its reply already shows. */
  readonly sent: readonly SentMessage[];
}

/** One tool call of a task, under its idempotency key `(taskId, step)`. */
export interface TaskStepRecord {
  readonly taskId: string;
  readonly step: number;
  readonly toolName: string;
  readonly callHash: string;
  readonly risk: string;
  /** `running` from just before the tool ran; `done` once its output was recorded. */
  readonly status: 'running' | 'done';
  readonly output: string | undefined;
  readonly failed: boolean;
}

/** A step about to run: the key and what runs under it. */
export type NewTaskStep = Pick<TaskStepRecord, 'taskId' | 'step' | 'toolName' | 'callHash' | 'risk'>;

/** Whether a step may run: `new` (the key was free, now recorded `running`) or what was recorded before. */
export type StepClaim =
  | { readonly kind: 'new' }
  | { readonly kind: 'recorded'; readonly step: TaskStepRecord };

/** A prompt the agent runs on a schedule, posting into the conversation that created it. */
export interface ScheduleRecord {
  readonly id: string;
  readonly conversationKey: string;
  readonly conversation: ConversationRef;
  readonly authorId: string;
  readonly author: Author;
  readonly replyAddress: ReplyAddress;
  readonly prompt: string;
  /** A cron expression, or an ISO local date-time for a one-off run. */
  readonly pattern: string;
  readonly timeZone: string;
  /** When it runs next; `undefined` once a one-off ran. */
  readonly nextRunAt: Date | undefined;
  readonly lastRunAt: Date | undefined;
  readonly runs: number;
  readonly createdAt: Date;
}

/** What a new schedule is made of. */
export type NewSchedule = Omit<ScheduleRecord, 'lastRunAt' | 'runs' | 'createdAt'>;
