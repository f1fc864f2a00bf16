import {
  type ControlMessage,
  DEFAULT_PRICES,
  describeError,
  type InboundEvent,
  type Job,
  parseCommand,
} from '@switchboard/core';
import { createAccessPolicy, REFUSAL } from './access';
import { COMMAND_HANDLERS } from './commands';
import type { AgentDependencies, RequestContext } from './context';
import { replyChannel } from './replies';
import { ModelRunner } from './routing/attempts';
import { CircuitBreaker } from './routing/circuit-breaker';
import { DEFAULT_ROUTING } from './routing/defaults';
import { RunningTasks } from './running-tasks';

/** Handles inbound events: authorize, dispatch the command, answer through the bus. */
export interface Agent {
  /** Handle one event. Resolves when the reply's final part is published. */
  handle(event: InboundEvent, job: Job): Promise<void>;
  /** React to a control message (cancel a running task). */
  control(message: ControlMessage): void;
  /** How many tasks are running on this worker. */
  readonly runningCount: number;
  /** Cancel every running task. */
  close(): void;
}

/** Create the agent. */
export function createAgent(deps: AgentDependencies): Agent {
  const access = createAccessPolicy(deps.access);
  const running = new RunningTasks();
  const now = deps.now ?? Date.now;
  const routing = deps.routing ?? DEFAULT_ROUTING;
  const prices = deps.prices ?? DEFAULT_PRICES;
  const breaker = new CircuitBreaker({
    failures: routing.breakerFailures,
    cooldownMs: routing.breakerCooldownMs,
    now,
  });
  const runner = new ModelRunner({
    models: (ref) => deps.models.get(ref),
    breaker,
    timeouts: { firstTokenMs: routing.firstTokenTimeoutMs, idleMs: routing.idleTimeoutMs },
    now,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });

  return {
    async handle(event, job) {
      const reply = replyChannel(deps.bus, event);
      const decision = access.authorize(event);
      if (!decision.allowed) {
        deps.logger.info({ eventId: event.id, identity: decision.identity }, 'refused an unknown author');
        await reply.send({ type: 'error', code: 'unauthorized', message: REFUSAL });
        return;
      }
      if (event.kind === 'action') {
        await handleAction(deps, event, decision.identity);
        return;
      }
      const command = event.command ?? parseCommand(event.text, { direct: event.conversation.direct });
      if (command === undefined) {
        await reply.send({
          type: 'error',
          code: 'not_a_command',
          message: 'Start with a command such as /ask, or /help to see them all.',
        });
        return;
      }
      const handler = COMMAND_HANDLERS[command.name];
      if (handler === undefined) {
        await reply.send({
          type: 'error',
          code: 'unknown_command',
          message: `I don't know /${command.name}. Try /help.`,
        });
        return;
      }
      const context: RequestContext = {
        event,
        job,
        identity: decision.identity,
        args: command.args,
        reply,
        deps,
        running,
        runner,
        routing,
        prices,
        now,
      };
      try {
        await handler(context);
      } catch (error) {
        deps.logger.error({ eventId: event.id, err: describeError(error) }, 'command failed');
        await reply.send({
          type: 'error',
          code: 'internal',
          message: 'Something went wrong on the box while answering. It has been logged; please try again.',
        });
      }
    },
    control(message) {
      if (message.type === 'cancel') running.cancel(message.taskId, `cancelled by ${message.by}`);
    },
    get runningCount() {
      return running.size;
    },
    close() {
      running.cancelAll('the box is shutting down');
    },
  };
}

async function handleAction(deps: AgentDependencies, event: InboundEvent, identity: string): Promise<void> {
  const reply = replyChannel(deps.bus, event);
  const action = event.action;
  if (action?.id !== 'approval') {
    await reply.send({ type: 'error', code: 'unknown_action', message: 'That button is no longer active.' });
    return;
  }
  const separator = action.value.lastIndexOf(':');
  const approvalId = action.value.slice(0, separator);
  const choice = action.value.slice(separator + 1);
  await deps.bus.publishControl({ type: 'approval-decided', approvalId, choice, by: identity });
  await reply.send({ type: 'reply-end', text: `${choice} by ${event.author.displayName}`, meta: {} });
}
