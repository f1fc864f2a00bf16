import { randomUUID } from 'node:crypto';
import {
  type ChatMessage,
  conversationKey,
  type ModelCall,
  type ModelRef,
  SwitchboardError,
  type Usage,
} from '@switchboard/core';
import type { ConversationRecord, TaskRecord } from '@switchboard/memory';
import type { RequestContext } from './context';
import { DEMO_LABEL } from './demo';
import { memoryWindow } from './memory-window';
import { NO_MODEL_MESSAGE } from './no-model';
import type { AttemptHooks, AttemptResult, AttemptUsage } from './routing/attempts';
import { runCascade } from './routing/cascade';
import { type RouteDecision, route } from './routing/route';
import { taskCost } from './task-cost';

/** How many stored turns are read before the token budget trims them. */
const HISTORY_LIMIT = 100;

/** `/ask @gpt-4o what…` → the model named and the question without it; plain questions stay as they are. */
function takeRequestedModel(
  context: RequestContext,
  text: string,
): { requested?: ModelRef; question: string } {
  const match = /^@([\w.:/-]+)\s+([\s\S]*)$/.exec(text);
  const requested = match?.[1] ? context.deps.models.resolve(match[1]) : undefined;
  if (!match?.[2] || requested === undefined) return { question: text };
  return { requested, question: match[2].trim() };
}

function startOfUtcDay(now: number): Date {
  const day = new Date(now);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
}

async function decide(
  context: RequestContext,
  conversation: ConversationRecord,
  question: string,
  requested: ModelRef | undefined,
): Promise<RouteDecision> {
  const { deps, event, routing } = context;
  if (deps.models.isEmpty)
    return { ok: false, code: 'no_model', message: NO_MODEL_MESSAGE, reason: 'no model' };
  const spend =
    routing.dailyCloudBudgetUsd === undefined
      ? 0
      : await deps.store.cloudSpendSince(context.identity, startOfUtcDay(context.now()));
  const breaker = context.runner.breaker;
  const setup = deps.models.routerSetup(routing, (provider) =>
    breaker.state(provider) === 'open'
      ? `circuit open, retrying in ${Math.ceil(breaker.retryInMs(provider) / 1000)} s`
      : undefined,
  );
  return route(
    {
      command: 'ask',
      platform: event.conversation.platform,
      channel: event.conversation.channel,
      user: context.identity,
      text: question,
      needsTools: false,
      ...(requested ? { requested } : {}),
      ...(conversation.pinnedModel ? { conversationModel: conversation.pinnedModel } : {}),
      localOnly: conversation.localOnly,
      cloudSpendTodayUsd: spend,
    },
    setup,
  );
}

/**
 * Answer a question: record the task (once per event id), route it, build the memory window, stream the
 * answer through the retry/fallback loop (and the cascade when a rule asks for one), then persist both
 * turns, the tokens and cost of every attempt, and the outcome. Every path ends the task `succeeded`,
 * `failed` or `cancelled`, and every path sends exactly one final part.
 */
export async function runAsk(context: RequestContext): Promise<void> {
  const { event, deps, reply } = context;
  const { requested, question } = takeRequestedModel(context, context.args.trim());
  if (question.length === 0) {
    await reply.send({
      type: 'error',
      code: 'empty_question',
      message: 'Ask me something, for example: /ask what can you do?',
    });
    return;
  }
  const key = conversationKey(event.conversation);
  const conversation = await deps.store.ensureConversation(event.conversation);
  const task = await claimTask(context, key);
  if (task === undefined) return;

  const startedAt = context.now();
  const decision = await decide(context, conversation, question, requested);
  if (!decision.ok) {
    await finishFailed(
      context,
      task.id,
      startedAt,
      new SwitchboardError(decision.code, decision.message),
      [],
    );
    return;
  }
  await deps.store.updateTask(task.id, { model: decision.primary, routeReason: decision.reason });
  await deps.store.appendTaskEvent(task.id, 'route', {
    model: decision.primary,
    fallbacks: decision.fallbacks,
    reason: decision.reason,
    ...(decision.difficulty ? { difficulty: decision.difficulty.score } : {}),
  });
  const demo = deps.models.get(decision.primary)?.demo === true;
  await reply.send({
    type: 'status',
    text: `thinking on ${decision.primary}${demo ? ' (demo model, random weights)' : ''}…`,
  });

  const history = await deps.store.recentMessages(key, HISTORY_LIMIT);
  const turns: ChatMessage[] = history.map((turn) => ({ role: turn.role, content: turn.content }));
  const call: ModelCall = {
    messages: [
      { role: 'system', content: deps.settings.systemPrompt },
      ...memoryWindow(turns, deps.settings.memoryTokens),
      { role: 'user', content: question },
    ],
    maxOutputTokens: deps.settings.maxOutputTokens,
  };
  const hooks: AttemptHooks = {
    onDelta: (delta) => reply.send({ type: 'text-delta', delta }),
    onStatus: (text) => reply.send({ type: 'status', text }),
    onEvent: (type, data) => deps.store.appendTaskEvent(task.id, type, data),
  };

  const controller = context.running.start(task.id, key);
  try {
    const signal = controller.signal;
    const first = await context.runner.run(
      { candidates: [decision.primary, ...decision.fallbacks], call, stream: true },
      signal,
      hooks,
    );
    let result: AttemptResult = first;
    const usages: AttemptUsage[] = [...first.usages];
    let routeReason = decision.reason;
    if (first.model !== undefined && first.model !== decision.primary && first.kind === 'done')
      routeReason = `${routeReason}; fell back to ${first.model}`;
    const answeredLocally = first.model !== undefined && deps.models.get(first.model)?.locality === 'local';
    if (first.kind === 'done' && first.model !== undefined && decision.cascade && answeredLocally) {
      const outcome = await runCascade({
        runner: context.runner,
        plan: decision.cascade,
        question,
        call,
        draft: { ...first, model: first.model },
        signal,
        hooks,
      });
      usages.push(...outcome.extraUsages, ...(outcome.escalated ? outcome.result.usages : []));
      result = outcome.result;
      if (outcome.escalated) routeReason = `${routeReason}; escalated to ${result.model} after a low grade`;
    }
    await finish(context, { taskId: task.id, question, startedAt, result, usages, routeReason });
  } finally {
    context.running.finish(task.id);
  }
}

interface Finished {
  readonly taskId: string;
  readonly question: string;
  readonly startedAt: number;
  readonly result: AttemptResult;
  readonly usages: readonly AttemptUsage[];
  readonly routeReason: string;
}

async function finish(context: RequestContext, done: Finished): Promise<void> {
  const { deps, reply } = context;
  const { result, taskId, startedAt } = done;
  const key = conversationKey(context.event.conversation);
  const cost = taskCost(done.usages, context.prices);
  if (result.kind === 'error') {
    await finishFailed(
      context,
      taskId,
      startedAt,
      result.error ?? new SwitchboardError('model_failed', 'The model failed.'),
      done.usages,
      result.model,
    );
    return;
  }
  const durationMs = context.now() - startedAt;
  const timing = {
    durationMs,
    ...(result.firstTokenAt === undefined ? {} : { timeToFirstTokenMs: result.firstTokenAt - startedAt }),
  };
  const cancelled = result.kind === 'cancelled';
  const demo = result.model !== undefined && deps.models.get(result.model)?.demo === true;
  const body = cancelled ? `${result.text}${result.text ? '\n\n' : ''}_(cancelled)_` : result.text;
  const text = demo ? `${body}\n\n${DEMO_LABEL}` : body;
  if (!cancelled) {
    await deps.store.addMessages([
      { conversationKey: key, role: 'user', content: done.question, taskId, authorId: context.identity },
      { conversationKey: key, role: 'assistant', content: result.text, taskId, authorId: undefined },
    ]);
  }
  await deps.store.updateTask(taskId, {
    status: cancelled ? 'cancelled' : 'succeeded',
    ...(result.model ? { model: result.model } : {}),
    routeReason: done.routeReason,
    inputTokens: cost.usage.inputTokens,
    outputTokens: cost.usage.outputTokens,
    costUsd: cost.usd,
    finishedAt: new Date(),
    ...timing,
  });
  await reply.send({
    type: 'reply-end',
    text,
    meta: {
      taskId,
      ...(result.model ? { model: result.model } : {}),
      routeReason: done.routeReason,
      usage: cost.usage,
      ...(cost.known ? { costUsd: cost.usd } : {}),
      ...timing,
    },
  });
}

/** The task for this event, or undefined when another delivery of the same event already made it. */
async function claimTask(context: RequestContext, key: string): Promise<TaskRecord | undefined> {
  const { event, deps, job } = context;
  const begun = await deps.store.beginTask({
    id: randomUUID(),
    eventId: event.id,
    conversationKey: key,
    authorId: context.identity,
    command: 'ask',
  });
  if (begun.status === 'created') return begun.task;
  const previous = begun.task;
  if (job.attempt > 1 && previous.status === 'running') {
    await deps.store.updateTask(previous.id, { attempts: previous.attempts + 1 });
    await deps.store.appendTaskEvent(previous.id, 'retry', { attempt: job.attempt });
    return previous;
  }
  deps.logger.info({ eventId: event.id, taskId: previous.id }, 'duplicate event ignored');
  return undefined;
}

async function finishFailed(
  context: RequestContext,
  taskId: string,
  startedAt: number,
  error: SwitchboardError,
  usages: readonly AttemptUsage[],
  model?: ModelRef,
): Promise<void> {
  const { deps, reply } = context;
  const cost = taskCost(usages, context.prices);
  const usage: Usage = cost.usage;
  await deps.store.updateTask(taskId, {
    status: 'failed',
    errorCode: error.code,
    errorMessage: error.message,
    durationMs: context.now() - startedAt,
    finishedAt: new Date(),
    ...(model ? { model } : {}),
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    costUsd: cost.usd,
  });
  await reply.send({ type: 'error', code: error.code, message: error.message });
}
