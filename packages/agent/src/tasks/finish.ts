import { type ModelRef, type PriceTable, SwitchboardError } from '@switchboard/core';
import { DEMO_LABEL } from '../demo';
import type { TurnOutcome } from '../loop/turn';
import type { ReplyChannel } from '../replies';
import type { AttemptUsage } from '../routing/attempts';
import { taskCost } from './cost';

/** The line under an answer that was cancelled while it was written. */
export const CANCELLED_NOTE = '_(cancelled)_';

/** The line under an answer the model stopped because it reached the output token limit. */
export const LENGTH_LIMIT_NOTE = '_(stopped at the length limit)_';

/** What ending a task needs: where the reply (which ends the task) goes, and the price table. */
export interface TaskEnding {
  readonly reply: ReplyChannel;
  readonly prices: PriceTable;
  readonly now: () => number;
  /** True for the generated demo model, whose answers carry {@link DEMO_LABEL}. */
  readonly isDemo: (ref: ModelRef) => boolean;
}

/** A claimed, running task. */
export interface RunningTask {
  readonly id: string;
  readonly conversationKey: string;
  /** `platform:userId` of the author. */
  readonly authorId: string;
  /** `now()` when the work began, for the duration and time to first token. */
  readonly startedAt: number;
  /** Task events recorded with the task's end (the route decision, a restart), in order. */
  readonly events: { readonly type: string; readonly data: unknown }[];
}

/**
 * End a task with its turn's outcome: `succeeded` (both turns remembered; an answer cut at the token
 * limit says so under it) or `cancelled` (the partial text marked, nothing remembered), the tokens and
 * cost of every attempt, the finish reason and the timings, and the `reply-end` with the same figures —
 * all stored by one statement as the reply goes out. A failed turn ends through {@link finishFailed}.
 */
export async function finishTurn(
  ending: TaskEnding,
  task: RunningTask,
  question: string,
  outcome: TurnOutcome,
): Promise<void> {
  const { result } = outcome;
  if (result.kind === 'error') {
    const error = result.error ?? new SwitchboardError('model_failed', 'The model failed.');
    await finishFailed(ending, task, error, outcome.usages, result.model);
    return;
  }
  const cost = taskCost(outcome.usages, ending.prices);
  const timing = {
    durationMs: ending.now() - task.startedAt,
    ...(result.firstTokenAt === undefined
      ? {}
      : { timeToFirstTokenMs: result.firstTokenAt - task.startedAt }),
  };
  const cancelled = result.kind === 'cancelled';
  const note = cancelled ? CANCELLED_NOTE : result.finishReason === 'length' ? LENGTH_LIMIT_NOTE : '';
  const body = note === '' ? result.text : `${result.text}${result.text ? '\n\n' : ''}${note}`;
  const text = result.model !== undefined && ending.isDemo(result.model) ? `${body}\n\n${DEMO_LABEL}` : body;
  const { conversationKey, id: taskId, authorId } = task;
  await ending.reply.finish({
    status: cancelled ? 'cancelled' : 'succeeded',
    reply: {
      type: 'reply-end',
      text,
      meta: {
        taskId,
        ...(result.model ? { model: result.model } : {}),
        routeReason: outcome.routeReason,
        usage: cost.usage,
        ...(cost.known ? { costUsd: cost.usd } : {}),
        ...timing,
      },
    },
    patch: {
      ...(result.model ? { model: result.model } : {}),
      routeReason: outcome.routeReason,
      ...(result.finishReason === undefined ? {} : { finishReason: result.finishReason }),
      inputTokens: cost.usage.inputTokens,
      outputTokens: cost.usage.outputTokens,
      costUsd: cost.usd,
      ...timing,
    },
    messages: cancelled
      ? []
      : [
          { conversationKey, role: 'user', content: question, taskId, authorId },
          { conversationKey, role: 'assistant', content: result.text, taskId, authorId: undefined },
        ],
    events: task.events,
  });
}

/** End a task `failed` with `error` (code and message kept), the tokens spent so far, and send the error. */
export async function finishFailed(
  ending: TaskEnding,
  task: RunningTask,
  error: SwitchboardError,
  usages: readonly AttemptUsage[],
  model?: ModelRef,
): Promise<void> {
  const cost = taskCost(usages, ending.prices);
  await ending.reply.finish({
    status: 'failed',
    reply: { type: 'error', code: error.code, message: error.message },
    patch: {
      errorCode: error.code,
      errorMessage: error.message,
      durationMs: ending.now() - task.startedAt,
      ...(model ? { model } : {}),
      inputTokens: cost.usage.inputTokens,
      outputTokens: cost.usage.outputTokens,
      costUsd: cost.usd,
    },
    events: task.events,
  });
}
