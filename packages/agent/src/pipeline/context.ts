import type { InboundEvent, Job, Logger } from '@switchboard/core';
import type { Role } from '../access';
import type { ReplyChannel } from '../replies';
import type { AgentServices } from '../services';

/** Who sent an event, once `authorize` admitted them. */
export interface Admitted {
  /** `platform:userId`, the name tasks, budgets and control messages use. */
  readonly identity: string;
  readonly role: Role;
}

/** The budgets one request runs under, attached by `limits`. */
export interface RequestLimits {
  /**
   * What the author spent on cloud models since 00:00 UTC, in US dollars: read from the store the first
   * time it is asked for (only when a daily budget is configured; 0 otherwise), then remembered.
   */
  cloudSpendTodayUsd(): Promise<number>;
}

/**
 * One inbound event on its way through the pipeline. The first fields are there from the start; each
 * middleware adds what it learned (`admitted` by `authorize`, `limits` by `limits`) for the ones after it.
 */
export interface EventContext {
  readonly event: InboundEvent;
  readonly job: Job;
  readonly reply: ReplyChannel;
  readonly services: AgentServices;
  /** The agent's logger with this event's id and conversation key. */
  readonly log: Logger;
  /** Set by `authorize`. */
  admitted?: Admitted;
  /** Set by `limits`. */
  limits?: RequestLimits;
}

/** An admitted request, as command and action handlers see it. */
export interface RequestContext {
  readonly event: InboundEvent;
  readonly job: Job;
  readonly reply: ReplyChannel;
  readonly services: AgentServices;
  readonly log: Logger;
  /** `platform:userId` of the author. */
  readonly identity: string;
  readonly role: Role;
  readonly limits: RequestLimits;
}

/**
 * The {@link RequestContext} of an event that went through `authorize` and `limits`; throws (an internal
 * error) when the pipeline was built without them.
 */
export function admittedRequest(context: EventContext): RequestContext {
  const { event, job, reply, services, log, admitted, limits } = context;
  if (admitted === undefined || limits === undefined)
    throw new Error('the pipeline reached a handler without authorize and limits before it');
  return { event, job, reply, services, log, identity: admitted.identity, role: admitted.role, limits };
}
