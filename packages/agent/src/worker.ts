import type { Bus, Unsubscribe } from '@switchboard/core';
import type { Agent } from './agent';

/** Subscribe an agent to the bus as a worker: events to `handle`, control messages to `control`. */
export function startAgentWorker(bus: Bus, agent: Agent, options: { concurrency: number }): Unsubscribe {
  const stopWork = bus.work((event, job) => agent.handle(event, job), options);
  const stopControl = bus.onControl((message) => agent.control(message));
  return () => {
    stopWork();
    stopControl();
    agent.close();
  };
}
