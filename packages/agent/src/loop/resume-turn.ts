import type { ModelCall } from '@switchboard/core';
import type { AttemptHooks, CallBounds, ModelRunner } from '../routing/attempts';
import type { RouteDecision } from '../routing/route';
import type { ResumePoint } from '../tasks/resume';
import { runToolLoop } from './tool-loop';
import type { ToolStepContext } from './tool-step';
import type { TurnOutcome } from './turn';

/** What resuming a turn needs: the route, the call, where the task stopped, and how to run its steps. */
export interface ResumeTurnInput {
  readonly runner: ModelRunner;
  readonly decision: Extract<RouteDecision, { ok: true }>;
  readonly call: ModelCall;
  readonly resumed: ResumePoint;
  readonly steps: ToolStepContext;
  readonly hooks: AttemptHooks;
  readonly bounds: CallBounds;
}

/**
 * A turn interrupted by a restart, picked up at its last recorded round of tool calls instead of asking
 * the model from the start: finished steps give their recorded output (never run twice), a `read` step
 * that was running runs again, and a side effect that was running ends the task `failed` (ADR 0040).
 * The tokens spent before the restart are not counted again.
 */
export async function resumeTurn(input: ResumeTurnInput): Promise<TurnOutcome> {
  const { decision, resumed } = input;
  const { round } = resumed;
  const loop = await runToolLoop({
    runner: input.runner,
    candidates: [decision.primary, ...decision.fallbacks],
    call: { ...input.call, messages: resumed.messages },
    first: {
      kind: 'done',
      model: round.model,
      text: round.text,
      toolCalls: round.toolCalls,
      usages: [],
      attempts: 0,
    },
    steps: { ...input.steps, recorded: resumed.recorded },
    hooks: input.hooks,
    bounds: input.bounds,
    stepsBefore: round.firstStep - 1,
  });
  return {
    result: loop.result,
    usages: loop.usages,
    routeReason: `${decision.reason}; resumed at step ${round.firstStep} after a restart`,
  };
}
