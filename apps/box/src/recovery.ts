import { isDeadHere } from '@switchboard/agent';
import {
  describeErrorBriefly,
  type InboundEvent,
  type Logger,
  type ReplyPart,
  type SentMessage,
} from '@switchboard/core';
import {
  BACKGROUND_TASK_EVENT,
  type DeliveryRecordStore,
  type Lease,
  OPEN_STATUSES,
  type RecoverableTask,
  type TaskLifecycleStore,
  type TaskStore,
} from '@switchboard/memory';
import type { Gateway } from './gateway';
import { owesDelivery } from './inbox';

/** Messages of other requests of the conversation are looked for among tasks this much older. */
const OTHERS_LOOKBACK_MS = 60 * 60 * 1000;

/** How many tasks one sweep recovers at most (the next sweep takes the rest). */
const SWEEP_LIMIT = 200;

/** What a user reads when their request was interrupted and repeating it is not safe. */
export function interruptedReply(command: string): ReplyPart {
  return {
    type: 'error',
    code: 'interrupted',
    message: `The box restarted while it was handling /${command}, and doing it again might repeat what it did. Please check, then send it again.`,
  };
}

/** What a user reads when the box restarted and the request cannot be answered where it came from. */
const LOST: ReplyPart = {
  type: 'error',
  code: 'interrupted',
  message: 'The box restarted while it was answering this request. Please ask again.',
};

/** Finds and recovers the tasks of processes that died. */
export interface Recovery {
  /** One sweep; resolves with how many tasks it recovered. Never rejects (a failure is logged). */
  sweep(): Promise<number>;
  /** Sweep every `intervalMs` until {@link Recovery.stop}. */
  start(intervalMs: number): void;
  stop(): void;
}

/**
 * Recovery of tasks whose process died (ADR 0030): an open task whose lease expired — or whose owner was
 * a process of this machine that no longer runs, which needs no waiting — is adopted under this process's
 * lease (one process wins each), then asked again when that is safe (a chat question, or a request that
 * never started; the user sees one "restarted after an interruption" line), otherwise ended `failed` with
 * a message. An ended task whose final reply never reached the platform has it delivered from the store,
 * editing the messages already posted.
 */
export function createRecovery(options: {
  readonly store: TaskLifecycleStore & DeliveryRecordStore & Pick<TaskStore, 'listTaskEvents'>;
  readonly lease: Lease;
  readonly gateway: Gateway;
  readonly logger: Logger;
}): Recovery {
  const { store, lease, gateway, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  /** `sent` and the messages the platform shows that a crash left unrecorded (ADR 0049). Never rejects. */
  const withUnrecorded = async (
    task: RecoverableTask['task'],
    event: InboundEvent,
    sent: readonly SentMessage[],
  ): Promise<readonly SentMessage[]> => {
    if (!owesDelivery(event)) return sent;
    try {
      const others = await store.recordedForOthers({
        eventId: event.id,
        conversationKey: task.conversationKey,
        since: new Date(task.createdAt.getTime() - OTHERS_LOOKBACK_MS),
      });
      const adopted = await gateway.unrecorded(event, sent, others);
      if (adopted.length === 0) return sent;
      logger.info(
        { taskId: task.id, eventId: event.id, adopted: adopted.length },
        'found messages a crash left unrecorded; the reply finishes them',
      );
      return [...sent, ...adopted];
    } catch (error) {
      logger.warn(
        { taskId: task.id, err: describeErrorBriefly(error) },
        'could not look for messages a crash left unrecorded',
      );
      return sent;
    }
  };

  /** The task went on in the background, so the bus acknowledged its event and holds it no more (ADR 0055). */
  const wentOnInBackground = async (taskId: string): Promise<boolean> =>
    (await store.listTaskEvents(taskId)).some((taskEvent) => taskEvent.type === BACKGROUND_TASK_EVENT);

  const recoverOne = async ({ task, event, sent: recorded }: RecoverableTask): Promise<boolean> => {
    const previous = task.leaseOwner;
    if (previous === undefined) return false;
    const open = OPEN_STATUSES.includes(task.status);
    const again = open && event !== undefined && (task.status === 'queued' || task.command === 'ask');
    if (!(await store.adoptTask(task.id, previous, lease, again))) return false;
    const log = { taskId: task.id, eventId: task.eventId, status: task.status, previous };
    if (event === undefined) {
      if (open) await store.finishTask(task.id, { status: 'failed', reply: LOST, owesDelivery: false });
      else await store.markDelivered([task.eventId]);
      logger.warn(log, 'recovered a task with no recorded event; ended it');
      return true;
    }
    const sent = await withUnrecorded(task, event, recorded);
    if (again) {
      const requeue = await wentOnInBackground(task.id);
      logger.info({ ...log, requeue }, 'recovered an interrupted task; asking again');
      const stamp = { taskId: task.id, owner: lease.owner, outbox: owesDelivery(event), recovered: true };
      await gateway.resume(event, sent, stamp, { requeue });
      return true;
    }
    let reply = task.reply;
    if (open) {
      reply = interruptedReply(task.command);
      await store.finishTask(task.id, { status: 'failed', reply, owesDelivery: owesDelivery(event) });
      logger.info(log, 'recovered an interrupted task that is not safe to repeat; ended it failed');
    } else {
      logger.info(log, 'recovered a reply that was never delivered; delivering it');
    }
    if (reply !== undefined) gateway.redeliver(event, sent, reply);
    return true;
  };

  const sweepOnce = async (): Promise<number> => {
    const owners = await store.leaseOwners();
    const dead = owners.filter((owner) => owner !== lease.owner && isDeadHere(owner, lease.owner));
    const found = await store.recoverableTasks(lease.owner, dead, SWEEP_LIMIT);
    let recovered = 0;
    for (const candidate of found) if (await recoverOne(candidate)) recovered += 1;
    return recovered;
  };

  const sweep = () => {
    running ??= sweepOnce()
      .catch((error: unknown) => {
        logger.warn(
          { err: describeErrorBriefly(error) },
          'recovering interrupted tasks failed; will try again',
        );
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  return {
    sweep,
    start(intervalMs) {
      if (timer !== undefined) return;
      timer = setInterval(() => void sweep(), intervalMs);
      timer.unref();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
