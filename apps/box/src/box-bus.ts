import { randomUUID } from 'node:crypto';
import { createMemoryBus } from '@switchboard/bus';
import { createNatsBus } from '@switchboard/bus-nats';
import { type Bus, type Config, describeError, type Logger } from '@switchboard/core';
import type { TaskLifecycleStore } from '@switchboard/memory';
import { giveUpOnEvent } from './give-up';

/** The bus a box process uses and the gateway id its replies are addressed to. */
export interface BoxBus {
  readonly bus: Bus;
  /** Which bus: `memory` (one process) or `nats`. */
  readonly kind: 'memory' | 'nats';
  /**
   * The gateway id replies are published to. Stable over restarts on NATS (`SWITCHBOARD_GATEWAY_ID`), so a
   * restarted gateway picks up the reply parts that were waiting for it; random for the in-memory bus.
   */
  readonly gatewayId: string;
}

/**
 * NATS JetStream when `NATS_URL` is set (required for the gateway and worker roles), else the in-memory
 * bus. When NATS gives up on an event after its last delivery, its task ends `failed` (so recovery does
 * not run it again) and the gateway is told, so the user gets a clear error rather than silence.
 */
export async function createBoxBus(
  config: Config,
  logger: Logger,
  closeTimeoutMs: number,
  tasks: Pick<TaskLifecycleStore, 'finishTask'>,
): Promise<BoxBus> {
  const { natsUrl, natsPrefix, gatewayId } = config.deployment;
  if (natsUrl === undefined) {
    const bus = createMemoryBus({ queueLimit: config.agent.queueLimit, closeTimeoutMs });
    return { bus, kind: 'memory', gatewayId: `gateway-${randomUUID().slice(0, 8)}` };
  }
  let bus: Bus | undefined;
  const onGiveUp = giveUpOnEvent({ bus: () => bus, tasks, logger });
  try {
    bus = await createNatsBus({
      url: natsUrl,
      prefix: natsPrefix,
      name: `switchboard-${config.deployment.role}`,
      queueLimit: config.agent.queueLimit,
      ackWaitMs: config.deployment.natsAckWaitMs,
      onGiveUp,
      logger: logger.child({ part: 'bus' }),
    });
  } catch (error) {
    throw new Error(`NATS at NATS_URL could not be used: ${describeError(error)}`, { cause: error });
  }
  return { bus, kind: 'nats', gatewayId };
}
