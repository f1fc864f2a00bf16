import type { ModelCall } from '@switchboard/core';
import type { ModelRegistry } from '../model-registry';
import type { AttemptHooks, AttemptResult, AttemptUsage, CallBounds, ModelRunner } from '../routing/attempts';
import { runCascade } from '../routing/cascade';
import type { RouteDecision } from '../routing/route';
import { runToolLoop } from './tool-loop';
import type { ToolStepContext } from './tool-step';

/** What one turn needs: the route, the call, and where to report. */
export interface TurnInput {
  readonly runner: ModelRunner;
  readonly models: ModelRegistry;
  readonly decision: Extract<RouteDecision, { ok: true }>;
  readonly question: string;
  readonly call: ModelCall;
  readonly signal: AbortSignal;
  readonly hooks: AttemptHooks;
  /** The budget reservation and deadline every model call of the turn runs under (ADR 0032). */
  readonly bounds?: CallBounds;
  /** Present when the call offers tools: how to run the calls the model makes. */
  readonly tools?: ToolStepContext;
}

/** How a turn ended: the answer to deliver, every attempt's tokens, and the route reason as it turned out. */
export interface TurnOutcome {
  readonly result: AttemptResult;
  readonly usages: readonly AttemptUsage[];
  readonly routeReason: string;
}

/**
 * One turn of the conversation: stream the answer from the routed model through the retry/fallback loop
 * (text reaches the user as it comes), then, when the route asks for a cascade and a local model
 * answered, grade the answer and escalate when the grade is low. The reason grows with what happened
 * ("fell back to …", "escalated to …"). When the model calls tools, the tool loop runs them (with
 * guards and approvals) and asks the model again until it answers; such a turn is not cascaded.
 */
export async function runTurn(input: TurnInput): Promise<TurnOutcome> {
  const { runner, models, decision, question, call, signal, hooks } = input;
  const first = await runner.run(
    {
      candidates: [decision.primary, ...decision.fallbacks],
      call,
      stream: true,
      ...input.bounds,
    },
    signal,
    hooks,
  );
  const usages: AttemptUsage[] = [...first.usages];
  let routeReason = decision.reason;
  if (first.model !== undefined && first.model !== decision.primary && first.kind === 'done')
    routeReason = `${routeReason}; fell back to ${first.model}`;
  if (first.kind === 'done' && first.toolCalls.length > 0 && input.tools !== undefined) {
    const loop = await runToolLoop({
      runner,
      candidates: [decision.primary, ...decision.fallbacks],
      call,
      first,
      steps: input.tools,
      hooks,
      ...(input.bounds ? { bounds: input.bounds } : {}),
    });
    return { result: loop.result, usages: [...usages, ...loop.usages], routeReason };
  }
  const answeredLocally = first.model !== undefined && models.get(first.model)?.locality === 'local';
  if (first.kind !== 'done' || first.model === undefined || !decision.cascade || !answeredLocally)
    return { result: first, usages, routeReason };

  const outcome = await runCascade({
    runner,
    plan: decision.cascade,
    question,
    call,
    draft: { ...first, model: first.model },
    signal,
    hooks,
    ...(input.bounds ? { bounds: input.bounds } : {}),
  });
  usages.push(...outcome.extraUsages, ...(outcome.escalated ? outcome.result.usages : []));
  if (outcome.escalated)
    routeReason = `${routeReason}; escalated to ${outcome.result.model} after a low grade`;
  return { result: outcome.result, usages, routeReason };
}
