import type { Platform, ReplyPart } from '@switchboard/core';
import type {
  ApprovalRecord,
  ConversationRecord,
  MessageRecord,
  TaskEventRecord,
  TaskRecord,
} from './records';
import type { approvals, conversations, messages, taskEvents, tasks } from './schema';

/** SQL `NULL` becomes `undefined`, as the records expect. */
const optional = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

/** A `conversations` row as a {@link ConversationRecord}; `thread` is left out when there is none. */
export function toConversationRecord(row: typeof conversations.$inferSelect): ConversationRecord {
  return {
    key: row.key,
    platform: row.platform as Platform,
    account: row.account,
    channel: row.channel,
    ...(row.thread === null ? {} : { thread: row.thread }),
    direct: row.direct,
    pinnedModel: optional(row.pinnedModel),
    localOnly: row.localOnly,
    teamMemory: row.teamMemory,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A `tasks` row as a {@link TaskRecord}. */
export function toTaskRecord(row: typeof tasks.$inferSelect): TaskRecord {
  return {
    id: row.id,
    eventId: row.eventId,
    conversationKey: row.conversationKey,
    authorId: row.authorId,
    command: row.command,
    status: row.status,
    model: optional(row.model),
    routeReason: optional(row.routeReason),
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    costUsd: row.costUsd,
    timeToFirstTokenMs: optional(row.timeToFirstTokenMs),
    durationMs: optional(row.durationMs),
    errorCode: optional(row.errorCode),
    errorMessage: optional(row.errorMessage),
    finishReason: optional(row.finishReason),
    attempts: row.attempts,
    leaseOwner: optional(row.leaseOwner),
    leaseExpiresAt: optional(row.leaseExpiresAt),
    reply: optional(row.reply) as ReplyPart | undefined,
    createdAt: row.createdAt,
    finishedAt: optional(row.finishedAt),
  };
}

/** A `task_events` row as a {@link TaskEventRecord}. */
export function toTaskEventRecord(row: typeof taskEvents.$inferSelect): TaskEventRecord {
  return { id: row.id, taskId: row.taskId, type: row.type, data: row.data, at: row.at };
}

/** A `messages` row as a {@link MessageRecord}. */
export function toMessageRecord(row: typeof messages.$inferSelect): MessageRecord {
  return {
    id: row.id,
    conversationKey: row.conversationKey,
    role: row.role,
    content: row.content,
    taskId: optional(row.taskId),
    authorId: optional(row.authorId),
    createdAt: row.createdAt,
  };
}

/** An `approvals` row as an {@link ApprovalRecord}. */
export function toApprovalRecord(row: typeof approvals.$inferSelect): ApprovalRecord {
  return {
    id: row.id,
    taskId: row.taskId,
    conversationKey: row.conversationKey,
    requester: row.requester,
    toolName: row.toolName,
    argumentsHash: row.argumentsHash,
    arguments: row.arguments,
    summary: row.summary,
    choices: row.choices,
    status: row.status,
    choice: optional(row.choice),
    decidedBy: optional(row.decidedBy),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    decidedAt: optional(row.decidedAt),
  };
}
