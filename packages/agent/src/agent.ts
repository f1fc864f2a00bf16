import { type ControlMessage, conversationKey, type InboundEvent, type Job } from '@switchboard/core';
import { abandonRunning } from './actions/abandon';
import { authorize } from './pipeline/authorize';
import { compose } from './pipeline/compose';
import type { EventContext } from './pipeline/context';
import { dispatchAction, dispatchCommand } from './pipeline/dispatch';
import { errorBoundary } from './pipeline/error-boundary';
import { limits } from './pipeline/limits';
import { replyChannel } from './replies';
import type { CircuitState } from './routing/circuit-breaker';
import { type AgentDependencies, createServices } from './services';

/** Handles inbound events: authorize, apply limits, dispatch the command, answer through the bus. */
export interface Agent {
  /**
   * Handle one event. Resolves when the reply's final part is published. Rejects only when the task was
   * handed back because the bus aborted `job.signal` (shutdown, or a lost lease): the bus then offers
   * the event to another worker (ADR 0048).
   */
  handle(event: InboundEvent, job: Job): Promise<void>;
  /** React to a control message (cancel a running task). */
  control(message: ControlMessage): void;
  /** How many tasks are running on this worker. */
  readonly runningCount: number;
  /** The circuit breaker's state per provider that has failed lately (`/metrics`). */
  circuits(): readonly { readonly key: string; readonly state: CircuitState }[];
  /**
   * Stop renewing leases and cancel every running task — or, with `handBack` (a bus that gives unanswered
   * events to other workers, NATS), hand back the tasks in the background (to recovery) and leave the
   * others running for the bus's close to abort their job signals, which hands each back instead of
   * ending it.
   */
  close(options?: { readonly handBack?: boolean }): void;
  /** Resolves when the work started after answers (rolling summaries) has ended. */
  settled(): Promise<void>;
}

/**
 * The pipeline every inbound event runs through, in order: the error boundary (one final part, always),
 * access, budgets, button presses, commands. See docs/decisions/0026-agent-pipeline.md.
 */
const PIPELINE = compose<EventContext>([errorBoundary, authorize, limits, dispatchAction, dispatchCommand]);

/** Create the agent. */
export function createAgent(deps: AgentDependencies): Agent {
  const services = createServices(deps);
  services.keeper.start();
  return {
    async handle(event, job) {
      const log = services.logger.child({
        eventId: event.id,
        conversation: conversationKey(event.conversation),
      });
      const reply = replyChannel(services.bus, event, log, {
        store: services.store,
        pending: services.endings,
      });
      await PIPELINE({ event, job, reply, services, log }, async () => {});
      if (reply.left && job.signal.aborted) throw job.signal.reason;
    },
    control(message) {
      if (message.type === 'cancel') services.running.cancel(message.taskId, `cancelled by ${message.by}`);
      if (message.type === 'abandon') abandonRunning(services.running, message, services.logger);
      if (message.type === 'approval-decided') services.tools?.waiters.notify(message.approvalId);
    },
    get runningCount() {
      return services.running.size;
    },
    circuits() {
      return services.runner.breaker.states();
    },
    close(options = {}) {
      services.keeper.stop();
      services.quiet.clear();
      if (options.handBack === true) services.running.handBackBackground('the worker is shutting down');
      else services.running.cancelAll('the box is shutting down');
    },
    settled: () => services.background.settled(),
  };
}
