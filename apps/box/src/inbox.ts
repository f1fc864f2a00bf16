import { randomUUID } from 'node:crypto';
import { type InboundEvent, type InboxStamp, parseCommand, type ReplyPart } from '@switchboard/core';
import { type Lease, OPEN_STATUSES, type TaskLifecycleStore } from '@switchboard/memory';

/** What the gateway's inbox needs from the store. */
export type GatewayInbox = Pick<TaskLifecycleStore, 'recordInbound' | 'forgetInbound' | 'finishTask'>;

/** What the inbox made of an event. */
export type InboxOutcome =
  | { readonly status: 'recorded'; readonly stamp: InboxStamp }
  | {
      readonly status: 'duplicate';
      /**
       * Set when the repeated request should be answered from its task (a web client retrying with its
       * Idempotency-Key): with the stored final reply when the task ended, else from the parts to come.
       */
      readonly attach: { readonly reply: ReplyPart | undefined } | undefined;
    };

/**
 * Whether the box owes a platform the delivery of a final reply after a crash. A platform keeps the
 * messages the box posted, so the box finishes them; the web chat's reply lives in one HTTP response,
 * and its client asks again with its Idempotency-Key instead.
 */
export const owesDelivery = (event: InboundEvent): boolean => event.conversation.platform !== 'web';

/** The command a request runs, as the task records it (`ask` for plain text in a direct chat). */
function commandOf(event: InboundEvent): string {
  return (
    event.command?.name ?? parseCommand(event.text, { direct: event.conversation.direct })?.name ?? 'message'
  );
}

/**
 * Record `event` and its task in one statement, before the platform is told the event arrived (ADR 0030):
 * `running` under `lease` when this process's own worker takes every event (the in-memory bus), `queued`
 * when any worker may (NATS), so the worker that gets it claims it. A repeated event creates nothing.
 */
export async function recordInInbox(
  store: GatewayInbox,
  lease: Lease,
  event: InboundEvent,
  status: 'running' | 'queued' = 'running',
): Promise<InboxOutcome> {
  const outbox = owesDelivery(event);
  const taskId = randomUUID();
  const recorded = await store.recordInbound({
    event,
    taskId,
    authorId: `${event.conversation.platform}:${event.author.platformUserId}`,
    command: commandOf(event),
    status,
    lease,
  });
  if (recorded.status === 'recorded')
    return { status: 'recorded', stamp: { taskId, owner: lease.owner, outbox } };
  const { task } = recorded;
  if (outbox) return { status: 'duplicate', attach: undefined };
  if (OPEN_STATUSES.includes(task.status)) return { status: 'duplicate', attach: { reply: undefined } };
  return { status: 'duplicate', attach: task.reply === undefined ? undefined : { reply: task.reply } };
}
