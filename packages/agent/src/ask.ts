import { randomUUID } from 'node:crypto';
import {
  type ChatMessage,
  conversationKey,
  describeError,
  type LanguageModel,
  type ModelPart,
  SwitchboardError,
  type Usage,
} from '@switchboard/core';
import type { TaskRecord } from '@switchboard/memory';
import type { RequestContext } from './context';
import { memoryWindow } from './memory-window';
import { NO_MODEL_MESSAGE } from './no-model';

/** How many stored turns are read before the token budget trims them. */
const HISTORY_LIMIT = 100;

/**
 * Answer a question: record the task (once per event id), build the memory window, stream the model's
 * answer as reply parts, then persist both turns and the task's outcome. Every path ends the task
 * `succeeded`, `failed` or `cancelled`, and every path sends exactly one final part.
 */
export async function runAsk(context: RequestContext): Promise<void> {
  const { event, deps, reply } = context;
  const question = context.args.trim();
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
  const model = pickModel(context, conversation.pinnedModel);
  if (model === undefined) {
    await finishFailed(context, task.id, startedAt, new SwitchboardError('no_model', NO_MODEL_MESSAGE));
    return;
  }
  const routeReason = conversation.pinnedModel === model.ref ? 'pinned with /model' : 'default model';
  await deps.store.updateTask(task.id, { model: model.ref, routeReason });
  await deps.store.appendTaskEvent(task.id, 'route', { model: model.ref, reason: routeReason });
  await reply.send({ type: 'status', text: `thinking on ${model.ref}…` });

  const history = await deps.store.recentMessages(key, HISTORY_LIMIT);
  const turns: ChatMessage[] = history.map((turn) => ({ role: turn.role, content: turn.content }));
  const messages: ChatMessage[] = [
    { role: 'system', content: deps.settings.systemPrompt },
    ...memoryWindow(turns, deps.settings.memoryTokens),
    { role: 'user', content: question },
  ];

  const controller = context.running.start(task.id, key);
  try {
    const outcome = await streamAnswer(context, model, messages, controller.signal);
    const durationMs = context.now() - startedAt;
    const timing = {
      durationMs,
      ...(outcome.firstTokenAt === undefined ? {} : { timeToFirstTokenMs: outcome.firstTokenAt - startedAt }),
    };
    const usage = outcome.usage ?? { inputTokens: 0, outputTokens: 0 };
    if (outcome.kind === 'error') {
      await finishFailed(context, task.id, startedAt, outcome.error, usage);
      return;
    }
    const cancelled = outcome.kind === 'cancelled';
    const text = cancelled ? `${outcome.text}${outcome.text ? '\n\n' : ''}_(cancelled)_` : outcome.text;
    if (!cancelled) {
      await deps.store.addMessages([
        {
          conversationKey: key,
          role: 'user',
          content: question,
          taskId: task.id,
          authorId: context.identity,
        },
        {
          conversationKey: key,
          role: 'assistant',
          content: outcome.text,
          taskId: task.id,
          authorId: undefined,
        },
      ]);
    }
    await deps.store.updateTask(task.id, {
      status: cancelled ? 'cancelled' : 'succeeded',
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      finishedAt: new Date(),
      ...timing,
    });
    await reply.send({
      type: 'reply-end',
      text,
      meta: { taskId: task.id, model: model.ref, routeReason, usage, ...timing },
    });
  } finally {
    context.running.finish(task.id);
  }
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

function pickModel(context: RequestContext, pinned: string | undefined): LanguageModel | undefined {
  const { models } = context.deps;
  if (pinned !== undefined) {
    const model = models.get(pinned);
    if (model !== undefined) return model;
  }
  return models.defaultRef === undefined ? undefined : models.get(models.defaultRef);
}

type StreamOutcome =
  | {
      readonly kind: 'done' | 'cancelled';
      readonly text: string;
      readonly usage?: Usage;
      readonly firstTokenAt?: number;
    }
  | {
      readonly kind: 'error';
      readonly error: SwitchboardError;
      readonly usage?: Usage;
      readonly firstTokenAt?: number;
    };

async function streamAnswer(
  context: RequestContext,
  model: LanguageModel,
  messages: readonly ChatMessage[],
  signal: AbortSignal,
): Promise<StreamOutcome> {
  let text = '';
  let usage: Usage | undefined;
  let firstTokenAt: number | undefined;
  const call = { messages, maxOutputTokens: context.deps.settings.maxOutputTokens };
  const timing = () => ({
    ...(usage ? { usage } : {}),
    ...(firstTokenAt === undefined ? {} : { firstTokenAt }),
  });
  try {
    for await (const part of model.stream(call, signal) as AsyncIterable<ModelPart>) {
      if (part.type === 'text-delta') {
        if (firstTokenAt === undefined) firstTokenAt = context.now();
        text += part.delta;
        await context.reply.send({ type: 'text-delta', delta: part.delta });
      } else if (part.type === 'finish') {
        usage = part.usage;
        if (part.reason === 'abort' || signal.aborted) return { kind: 'cancelled', text, ...timing() };
      } else if (part.type === 'error') {
        return { kind: 'error', error: part.error, ...timing() };
      }
    }
  } catch (error) {
    if (signal.aborted) return { kind: 'cancelled', text, ...timing() };
    return {
      kind: 'error',
      error: new SwitchboardError('model_failed', `The model failed: ${describeError(error)}`, {
        cause: error,
      }),
      ...timing(),
    };
  }
  if (signal.aborted) return { kind: 'cancelled', text, ...timing() };
  return { kind: 'done', text, ...timing() };
}

async function finishFailed(
  context: RequestContext,
  taskId: string,
  startedAt: number,
  error: SwitchboardError,
  usage?: Usage,
): Promise<void> {
  const { deps, reply } = context;
  await deps.store.updateTask(taskId, {
    status: 'failed',
    errorCode: error.code,
    errorMessage: error.message,
    durationMs: context.now() - startedAt,
    finishedAt: new Date(),
    ...(usage ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens } : {}),
  });
  await reply.send({ type: 'error', code: error.code, message: error.message });
}
