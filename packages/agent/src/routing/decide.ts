import type { ModelRef, RoutingSettings } from '@switchboard/core';
import type { ModelRegistry } from '../model-registry';
import { NO_MODEL_MESSAGE } from '../no-model';
import type { CircuitBreaker } from './circuit-breaker';
import { type RouteDecision, type RouteRequest, route } from './route';

/** The box's side of a routing decision: its models, their circuits, and the routing settings. */
export interface RoutingState {
  readonly models: ModelRegistry;
  readonly breaker: CircuitBreaker;
  readonly routing: RoutingSettings;
}

/**
 * Route `request` over the models as they are now: a provider whose circuit is open counts as
 * unavailable ("circuit open, retrying in 12 s"). With no model at all, the answer says how to add one.
 */
export function decideRoute(state: RoutingState, request: RouteRequest): RouteDecision {
  const { models, breaker, routing } = state;
  if (models.isEmpty) return { ok: false, code: 'no_model', message: NO_MODEL_MESSAGE, reason: 'no model' };
  const setup = models.routerSetup(routing, (provider) =>
    breaker.state(provider) === 'open'
      ? `circuit open, retrying in ${Math.ceil(breaker.retryInMs(provider) / 1000)} s`
      : undefined,
  );
  return route(request, setup);
}

/** What a question says about its model: `@name` first, then the question itself. */
export type RequestedModel =
  | { readonly requested?: ModelRef; readonly question: string }
  /** It starts with `@name ` and no configured model goes by that name. */
  | { readonly unknown: string };

/**
 * `@gpt-4o what…` → the model named and the question without it. Only a text that starts with `@name`
 * and a space names a model, so `me@example.com wrote…` or `@` alone stay questions; a name that no
 * configured model answers to is `unknown`, so the asker hears it instead of a silent default.
 */
export function takeRequestedModel(models: ModelRegistry, text: string): RequestedModel {
  const match = /^@([\w.:/-]+)\s+([\s\S]*)$/.exec(text);
  const name = match?.[1];
  if (match === null || name === undefined) return { question: text };
  const requested = models.resolve(name);
  if (requested === undefined) return { unknown: name };
  return { requested, question: (match[2] ?? '').trim() };
}
