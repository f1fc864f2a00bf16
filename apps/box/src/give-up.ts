import type { GiveUp } from '@switchboard/bus-nats';
import {
  type Bus,
  describeErrorBriefly,
  type InboundEvent,
  type Logger,
  type ReplyPart,
} from '@switchboard/core';
import type { TaskLifecycleStore } from '@switchboard/memory';

/** The user-facing reply when every delivery of an event failed and the bus gave up on it. */
export const GAVE_UP_MESSAGE = 'This request failed on every try; please ask again.';

/**
 * The box's give-up hook for the NATS bus (ADR 0047): end the event's task `failed` — so recovery never
 * runs it again and no task is left open — then tell the user through the event's gateway. A failure
 * rejects, and the bus keeps the event queued and calls the hook again later.
 */
export function giveUpOnEvent(options: {
  readonly bus: () => Pick<Bus, 'publishReply'> | undefined;
  readonly tasks: Pick<TaskLifecycleStore, 'finishTask'>;
  readonly logger: Logger;
}): (event: InboundEvent, giveUp: GiveUp) => Promise<void> {
  return async (event, giveUp) => {
    options.logger.error(
      {
        eventId: event.id,
        attempts: giveUp.attempts,
        error:
          giveUp.error === undefined
            ? 'the workers running it kept stopping without answering'
            : describeErrorBriefly(giveUp.error),
      },
      'every delivery of this event failed; telling the user',
    );
    const part: ReplyPart = { type: 'error', code: 'gave_up', message: GAVE_UP_MESSAGE };
    const taskId = event.inbox?.taskId;
    if (taskId !== undefined) {
      await options.tasks.finishTask(taskId, { status: 'failed', reply: part, owesDelivery: false });
    }
    const bus = options.bus();
    if (event.gateway === undefined || bus === undefined) return;
    await bus.publishReply(event.id, event.gateway, part);
  };
}
