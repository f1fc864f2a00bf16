import {
  type Bus,
  cleanValue,
  describeErrorBriefly,
  type InboundEvent,
  isFinalPart,
  type Logger,
  type ReplyPart,
} from '@switchboard/core';
import type { TaskEnd, TaskLifecycleStore } from '@switchboard/memory';
import type { PendingEndings } from './tasks/endings';

/** What the user reads when the box failed while answering (the `internal` error). */
export const INTERNAL_ERROR_MESSAGE =
  'Something went wrong on the box while answering. It has been logged; please try again.';

/** What the user reads when the task could not be saved because the database stopped answering. */
export const DATABASE_UNAVAILABLE: ReplyPart = {
  type: 'error',
  code: 'database_unavailable',
  message:
    'The box could not save this answer because its database stopped answering; the task is recorded as failed. Please ask again in a moment.',
};

/** The gateway name used when an event was not stamped (one process). */
export const LOCAL_GATEWAY = 'local';

/** How a task ends, without what the channel knows itself (whether delivery is owed). */
export type ChannelEnd = Omit<TaskEnd, 'owesDelivery'>;

/**
 * Sends the reply parts of one request back to the gateway that holds its platform connection, and
 * keeps the promise that a request gets exactly one final part (`reply-end` or `error`). When the request
 * has a task, the final part ends it — stored with the task in the statement that ends it — before the
 * part is published, so a crash after the end can still deliver it (the outbox).
 */
export interface ReplyChannel {
  /**
   * Publish a part. A final part first ends the request's task (`succeeded` for a `reply-end`, `failed`
   * for an `error`). Anything after the final part is dropped (and logged): the request is over.
   */
  send(part: ReplyPart): Promise<void>;
  /** End the request's task with everything in `end` (one statement), then publish `end.reply`. */
  finish(end: ChannelEnd): Promise<void>;
  /** The task the final part ends, once the request has one. */
  bind(taskId: string): void;
  readonly taskId: string | undefined;
  /** True once the final part went out. */
  readonly ended: boolean;
  /** True when the request was marked as answered by another delivery (see {@link leaveUnanswered}). */
  readonly left: boolean;
  /**
   * End without a part, because another delivery of the same event answers it (a redelivered duplicate).
   * The error boundary then does not send one either.
   */
  leaveUnanswered(reason: string): void;
  /**
   * The request's handler returns before its final part, because its task goes on in the background
   * (ADR 0040): the final part comes later on this channel, and the error boundary does not send one.
   */
  continueInBackground(): void;
  /** True once {@link continueInBackground} was called. */
  readonly inBackground: boolean;
}

/** Where a channel ends tasks: the store, and the endings that wait for it during an outage. */
export interface TaskEndings {
  readonly store: TaskLifecycleStore;
  readonly pending: PendingEndings;
}

/** The ending a bare final part implies. */
function endOf(part: ReplyPart): ChannelEnd {
  return { status: part.type === 'reply-end' ? 'succeeded' : 'failed', reply: part };
}

/** A {@link ReplyChannel} for `event` over `bus`; with `endings`, final parts end the event's task. */
export function replyChannel(
  bus: Bus,
  event: InboundEvent,
  logger: Logger,
  endings?: TaskEndings,
): ReplyChannel {
  const owner = event.gateway ?? LOCAL_GATEWAY;
  const owesDelivery = event.inbox?.outbox === true;
  let taskId = event.inbox?.taskId;
  let ended = false;
  let left = false;
  let inBackground = false;
  const publish = (part: ReplyPart) => bus.publishReply(event.id, owner, cleanValue(part));

  const finish = async (end: ChannelEnd) => {
    if (ended) {
      logger.warn({ part: end.reply.type }, 'a part after the final part was dropped');
      return;
    }
    ended = true;
    if (taskId !== undefined && endings !== undefined) {
      const full: TaskEnd = { ...end, owesDelivery };
      try {
        if (!(await endings.store.finishTask(taskId, full))) {
          left = true;
          logger.warn({ taskId }, 'the task had already ended; its final part was not sent again');
          return;
        }
      } catch (error) {
        logger.error(
          { taskId, err: describeErrorBriefly(error) },
          'could not end the task; it ends failed once the database answers',
        );
        endings.pending.add(taskId, { status: 'failed', reply: DATABASE_UNAVAILABLE, owesDelivery });
        await publish(DATABASE_UNAVAILABLE);
        return;
      }
    }
    await publish(end.reply);
  };

  return {
    async send(part) {
      if (isFinalPart(part)) return finish(endOf(part));
      if (ended) {
        logger.warn({ part: part.type }, 'a part after the final part was dropped');
        return;
      }
      await publish(part);
    },
    finish,
    bind(id) {
      taskId = id;
    },
    get taskId() {
      return taskId;
    },
    get ended() {
      return ended;
    },
    get left() {
      return left;
    },
    leaveUnanswered(reason) {
      left = true;
      logger.info({ reason }, 'left unanswered');
    },
    continueInBackground() {
      inBackground = true;
    },
    get inBackground() {
      return inBackground;
    },
  };
}
