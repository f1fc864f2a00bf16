import {
  type ChatMessage,
  type ModelCall,
  type ModelRef,
  SwitchboardError,
  type ToolCall,
} from '@switchboard/core';
import type { AttemptHooks, AttemptResult, AttemptUsage, CallBounds, ModelRunner } from '../routing/attempts';
import { taskCost } from '../tasks/cost';
import type { ToolStepContext } from './tool-step';
import { runToolCall } from './tool-step';

/** What the tool loop continues from: the model's answer that called tools, and the call that made it. */
export interface ToolLoopInput {
  readonly runner: ModelRunner;
  /** The models to ask next, in order (the one that called the tools first). */
  readonly candidates: readonly ModelRef[];
  readonly call: ModelCall;
  readonly first: AttemptResult;
  readonly steps: ToolStepContext;
  readonly hooks: AttemptHooks;
  /** The budget reservation and deadline every model call of the task runs under (ADR 0032). */
  readonly bounds?: CallBounds;
  /** Steps taken before `first`'s calls (a task resumed after a restart); default 0. */
  readonly stepsBefore?: number;
}

/** A round of tool calls as the task records it (the `tool-round` event), so a resumed task can rebuild it. */
export interface ToolRound {
  /** The step of the round's first call; its calls are this step and the ones after, in order. */
  readonly firstStep: number;
  readonly model: ModelRef | undefined;
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
}

/** How the loop ended: the last model answer (or a stop), and the tokens of every model call after the first. */
export interface ToolLoopOutcome {
  readonly result: AttemptResult;
  readonly usages: readonly AttemptUsage[];
}

const cancelled = (last: AttemptResult): AttemptResult => ({
  ...last,
  kind: 'cancelled',
  text: '',
  toolCalls: [],
});

/** What the user reads when a side effect had started before a restart: it is not repeated. */
export function interruptedMessage(tool: string, summary: string): string {
  return `The box restarted while ${tool} was running (${summary}). It may or may not have happened, so it was not run again: please check, then ask again.`;
}

function interrupted(last: AttemptResult, tool: string, summary: string): AttemptResult {
  return {
    ...last,
    kind: 'error',
    text: '',
    toolCalls: [],
    error: new SwitchboardError('interrupted', interruptedMessage(tool, summary)),
  };
}

function stopped(last: AttemptResult, limit: string): AttemptResult {
  return {
    ...last,
    kind: 'error',
    text: '',
    toolCalls: [],
    error: new SwitchboardError('stopped', `stopped: ${limit}`),
  };
}

/**
 * Model → tool calls → results back to the model → … until the model answers without calling a tool.
 * Every call goes through {@link runToolCall} (guards, policy, approval); a tripped guard ends the loop
 * with the error "stopped: <which limit>", a cancelled task ends it `cancelled`. Before every model call
 * the task's wall time, tokens and cost so far are checked against its caps (ADR 0040).
 */
export async function runToolLoop(input: ToolLoopInput): Promise<ToolLoopOutcome> {
  const { runner, steps, hooks } = input;
  const { signal, guards } = steps;
  const usages: AttemptUsage[] = [];
  const messages: ChatMessage[] = [...input.call.messages];
  let result = input.first;
  let step = input.stepsBefore ?? 0;
  while (result.kind === 'done' && result.toolCalls.length > 0) {
    messages.push({ role: 'assistant', content: result.text, toolCalls: result.toolCalls });
    const round: ToolRound = {
      firstStep: step + 1,
      model: result.model,
      text: result.text,
      toolCalls: result.toolCalls,
    };
    await steps.store.appendTaskEvent(steps.task.id, 'tool-round', round);
    for (const call of result.toolCalls) {
      step += 1;
      let outcome: Awaited<ReturnType<typeof runToolCall>>;
      try {
        outcome = await runToolCall(steps, call, step);
      } catch (error) {
        if (signal.aborted) return { result: cancelled(result), usages };
        throw error;
      }
      if (outcome.kind === 'interrupted') {
        await steps.store.appendTaskEvent(steps.task.id, 'interrupted', { step, tool: outcome.tool });
        return { result: interrupted(result, outcome.tool, outcome.summary), usages };
      }
      if (outcome.kind === 'stopped') {
        await steps.store.appendTaskEvent(steps.task.id, 'guard-tripped', { step, limit: outcome.limit });
        return { result: stopped(result, outcome.limit), usages };
      }
      messages.push(outcome.message);
      if (signal.aborted) return { result: cancelled(result), usages };
      const limit = guards.record(outcome.failed);
      if (limit !== undefined) {
        await steps.store.appendTaskEvent(steps.task.id, 'guard-tripped', { step, limit });
        return { result: stopped(result, limit), usages };
      }
    }
    const limit =
      guards.overTime() ?? guards.overSpend(taskCost([...input.first.usages, ...usages], steps.prices));
    if (limit !== undefined) {
      await steps.store.appendTaskEvent(steps.task.id, 'guard-tripped', { step, limit });
      return { result: stopped(result, limit), usages };
    }
    const candidates = result.model
      ? [result.model, ...input.candidates.filter((ref) => ref !== result.model)]
      : input.candidates;
    result = await runner.run(
      { candidates, call: { ...input.call, messages }, stream: true, ...input.bounds },
      signal,
      hooks,
    );
    usages.push(...result.usages);
  }
  return { result, usages };
}
