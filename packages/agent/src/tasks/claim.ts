import { randomUUID } from 'node:crypto';
import type { InboundEvent, Job, Logger } from '@switchboard/core';
import type {
  ConversationRecord,
  Lease,
  QuestionContext,
  QuestionContextQuery,
  TaskLifecycleStore,
  TaskRecord,
} from '@switchboard/memory';

/** The line a user sees once when their question is asked again after the box was interrupted. */
export const RESTARTED_NOTE = 'restarted after an interruption…';

/** The request a task is claimed for. */
export interface TaskClaimRequest {
  readonly event: InboundEvent;
  /** `platform:userId` of the author. */
  readonly authorId: string;
  readonly command: string;
  readonly job: Job;
  readonly lease: Lease;
  /** Also read the question's context with the claim (one round trip instead of two). */
  readonly context?: QuestionContextQuery;
}

/** A task this worker now runs, with its conversation as the claim read it. */
export interface ClaimedTask {
  readonly task: TaskRecord;
  readonly conversation: ConversationRecord;
  /** True when an earlier attempt was interrupted (the process died): the question is asked again. */
  readonly restarted: boolean;
  /** The question's context, when the request asked for it. */
  readonly context?: QuestionContext;
}

/**
 * The task for this event, `running` under this worker's lease. A task the gateway's inbox already
 * recorded `running` for this very process is only read (no write); otherwise one statement creates it
 * or takes it over — a `queued` one (recovered after a crash, or recorded by another gateway) or a
 * `running` one whose lease expired or whose event the bus redelivered. `undefined` when another
 * delivery of the same event runs or ran the task (it answers the user, not this one).
 */
export async function claimTask(
  store: TaskLifecycleStore,
  logger: Logger,
  request: TaskClaimRequest,
): Promise<ClaimedTask | undefined> {
  const { event, lease } = request;
  const inbox = event.inbox;
  if (inbox !== undefined && inbox.owner === lease.owner && inbox.recovered !== true) {
    const loaded = await store.loadTask(inbox.taskId, event.conversation, request.context);
    if (loaded?.task.status === 'running' && loaded.task.leaseOwner === lease.owner)
      return { ...loaded, restarted: false };
  }
  const claimed = await store.claimTask({
    id: inbox?.taskId ?? randomUUID(),
    eventId: event.id,
    conversation: event.conversation,
    authorId: request.authorId,
    command: request.command,
    lease,
    redelivered: request.job.attempt > 1,
    ...(request.context ? { context: request.context } : {}),
  });
  if (claimed.status === 'claimed') {
    const { task, conversation, context } = claimed;
    return { task, conversation, restarted: task.attempts > 1, ...(context ? { context } : {}) };
  }
  logger.info({ taskId: claimed.task.id, status: claimed.task.status }, 'duplicate event ignored');
  return undefined;
}
