import { conversationKey, describeErrorBriefly, type ModelRef, SwitchboardError } from '@switchboard/core';
import { BACKGROUND_TASK_EVENT, type ConversationRecord, type QuestionContext } from '@switchboard/memory';
import { guardLimitsFor, ToolGuards } from '../loop/guards';
import { HISTORY_LIMIT, modelCallFor } from '../loop/model-call';
import { resumeTurn } from '../loop/resume-turn';
import type { ToolStepContext } from '../loop/tool-step';
import { runTurn } from '../loop/turn';
import { extractFacts } from '../memory/extract';
import { recallWithin } from '../memory/recall';
import { channelKeyOf } from '../memory/scope';
import { summarizeIfDue, turnsAfterSummary } from '../memory/summarize';
import { INTERNAL_ERROR_MESSAGE, type ReplyChannel } from '../replies';
import type { AttemptHooks } from '../routing/attempts';
import { decideRoute, takeRequestedModel } from '../routing/decide';
import { dailyBudgetGate, type SpendGate } from '../routing/spend-gate';
import { TaskClock } from '../routing/task-clock';
import { isScheduledRun } from '../schedules/run-event';
import { ProgressReply, settlesWithin } from '../tasks/background';
import { claimTask, RESTARTED_NOTE } from '../tasks/claim';
import { finishFailed, finishTurn, type RunningTask, type TaskEnding } from '../tasks/finish';
import { resumePoint } from '../tasks/resume';
import { TaskHandedBack } from '../tasks/running';
import { offeredSpecs } from '../tools/offered-specs';
import { offersTools } from '../tools/tools-for-model';
import type { CommandContext, CommandHandler } from './context';
import { configuredModelsSentence } from './models';

/** A question, the model it names (`@name`) if any, and the conversation it is asked in. */
interface Question {
  readonly text: string;
  readonly requested: ModelRef | undefined;
  readonly conversation: ConversationRecord;
  /** True when an earlier run of the task was interrupted (it resumes from its recorded steps). */
  readonly restarted: boolean;
  /** The question's context as the claim read it. */
  readonly context: QuestionContext | undefined;
}

/**
 * `/ask`: claim the task (once per event id), then answer it. Every path ends the task `succeeded`,
 * `failed` or `cancelled` and sends exactly one final part.
 */
export const ask: CommandHandler = async (context) => {
  const { event, services, reply, identity } = context;
  const asked = takeRequestedModel(services.models, context.args.trim());
  if ('unknown' in asked) {
    const message = `There is no model called ${asked.unknown}. ${configuredModelsSentence(services.models)} Ask again without @${asked.unknown}, or with one of those.`;
    return reply.send({ type: 'error', code: 'unknown_model', message });
  }
  const { requested, question } = asked;
  if (question.length === 0) {
    const message = 'Ask me something, for example: /ask what can you do?';
    return reply.send({ type: 'error', code: 'empty_question', message });
  }
  const claimed = await claimTask(services.store, context.log, {
    event,
    authorId: identity,
    command: 'ask',
    job: context.job,
    lease: services.lease,
    context: {
      conversationKey: conversationKey(event.conversation),
      identity,
      channelKey: channelKeyOf(event.conversation),
      historyLimit: HISTORY_LIMIT,
    },
  });
  if (claimed === undefined) return reply.leaveUnanswered('another delivery of this event runs its task');
  reply.bind(claimed.task.id);
  const progress = new ProgressReply(reply, services.taskTiming.progressMs, services.now);
  const task: RunningTask = {
    id: claimed.task.id,
    conversationKey: claimed.task.conversationKey,
    authorId: identity,
    startedAt: services.now(),
    events: [],
  };
  if (claimed.restarted) {
    task.events.push({ type: 'retry', data: { attempt: claimed.task.attempts } });
    await reply.send({ type: 'status', text: RESTARTED_NOTE });
  }
  const ending: TaskEnding = {
    reply: progress,
    prices: services.prices,
    now: services.now,
    isDemo: (ref) => services.models.get(ref)?.demo === true,
  };
  await answer(context, ending, progress, task, {
    text: question,
    requested,
    conversation: claimed.conversation,
    restarted: claimed.restarted,
    context: claimed.context,
  });
};

/**
 * Route the question, build the memory window, run one turn, and end the task with its outcome. A turn
 * still running after `TASK_FOREGROUND_SECONDS` goes on in the background (ADR 0040): the handler returns
 * (the conversation's next message may start) and the final part comes when the task ends.
 */
async function answer(
  context: CommandContext,
  ending: TaskEnding,
  reply: ProgressReply,
  task: RunningTask,
  question: Question,
): Promise<void> {
  const { event, services } = context;
  const { store, models, runner } = services;
  const decision = decideRoute(
    { models, breaker: runner.breaker, routing: services.routing },
    {
      command: 'ask',
      platform: event.conversation.platform,
      channel: event.conversation.channel,
      user: task.authorId,
      text: question.text,
      needsTools: false,
      ...(question.requested ? { requested: question.requested } : {}),
      ...(question.conversation.pinnedModel ? { conversationModel: question.conversation.pinnedModel } : {}),
      localOnly: question.conversation.localOnly,
      cloudSpendTodayUsd: await context.limits.cloudSpendTodayUsd(),
    },
  );
  if (!decision.ok)
    return finishFailed(ending, task, new SwitchboardError(decision.code, decision.message), []);
  task.events.push({
    type: 'route',
    data: {
      model: decision.primary,
      fallbacks: decision.fallbacks,
      reason: decision.reason,
      ...(decision.difficulty ? { difficulty: decision.difficulty.score } : {}),
    },
  });
  const demo = ending.isDemo(decision.primary) ? ' (demo model, random weights)' : '';
  await reply.send({ type: 'status', text: `thinking on ${decision.primary}${demo}…` });

  const memory =
    question.context ??
    (await store.questionContext({
      conversationKey: task.conversationKey,
      identity: task.authorId,
      channelKey: channelKeyOf(question.conversation),
      historyLimit: HISTORY_LIMIT,
    }));
  const recalled = await recallWithin(
    services,
    question.conversation,
    memory,
    task.authorId,
    question.text,
    context.job.signal,
  ).catch((error: unknown) => {
    context.log.warn({ err: error }, 'recall failed; answering without long-term memories');
    return [];
  });
  if (recalled.length > 0)
    await store.appendTaskEvent(task.id, 'recall', { memories: recalled.map((memory) => memory.id) });
  const base = await modelCallFor({
    store,
    settings: services.settings,
    conversationKey: task.conversationKey,
    question: question.text,
    recalled,
    context: memory,
    models: [decision.primary, ...decision.fallbacks].flatMap((ref) => models.get(ref) ?? []),
  });
  const specs = services.tools ? await offeredSpecs(services.tools.registry, store) : [];
  const tools = offersTools(models.get(decision.primary), specs, base.maxOutputTokens)
    ? services.tools
    : undefined;
  const call = tools ? { ...base, tools: specs } : base;
  const hooks: AttemptHooks = {
    onDelta: (delta) => reply.send({ type: 'text-delta', delta }),
    onStatus: (text) => reply.send({ type: 'status', text }),
    onEvent: async (type, data) => {
      task.events.push({ type, data });
    },
  };
  services.requests.set(task.id, { event, identity: task.authorId });
  const work = services.running.run(
    task.id,
    task.conversationKey,
    async (signal) => {
      const steps: ToolStepContext | undefined = tools && {
        tools,
        store,
        reply,
        task,
        role: context.role,
        guards: new ToolGuards(
          guardLimitsFor(tools.guards, isScheduledRun(event) ? (tools.scheduleGuards ?? {}) : undefined),
          task.startedAt,
          services.now,
        ),
        prices: services.prices,
        now: services.now,
        signal,
      };
      const bounds = {
        ...budgetOf(context),
        deadline: new TaskClock(services.routing.taskDeadlineMs, services.now),
      };
      const resumed =
        question.restarted && steps ? await resumePoint(store, task.id, call.messages) : undefined;
      const turn =
        resumed && steps
          ? resumeTurn({ runner, decision, call, resumed, steps, hooks, bounds })
          : runTurn({
              runner,
              models,
              decision,
              question: question.text,
              call,
              signal,
              hooks,
              bounds,
              ...(steps ? { tools: steps } : {}),
            });
      const outcome = await turn.catch((error: unknown) => {
        if (signal.reason instanceof TaskHandedBack) return undefined;
        throw error;
      });
      if (outcome === undefined || signal.reason instanceof TaskHandedBack) {
        await handBack(context, task.id);
        return;
      }
      await finishTurn(ending, task, question.text, outcome);
      services.background.start(
        () => summarizeIfDue(services, question.conversation, task.authorId, turnsAfterSummary(memory, 2)),
        (error) => context.log.warn({ err: error }, 'the rolling summary failed'),
      );
      if (services.memory.extract)
        services.quiet.touch(task.conversationKey, services.memory.extractIdleMs, () =>
          services.background.start(
            () => extractFacts(services, task.conversationKey, task.authorId),
            (error) => services.logger.warn({ err: error }, 'extracting facts failed'),
          ),
        );
    },
    event.id,
    context.job.signal,
  );
  void work.then(
    () => services.requests.delete(task.id),
    () => services.requests.delete(task.id),
  );
  if (await settlesWithin(work, services.taskTiming.foregroundMs)) return;
  await store
    .updateTask(task.id, { model: decision.primary, routeReason: decision.reason })
    .catch((error: unknown) =>
      context.log.warn({ err: describeErrorBriefly(error) }, 'could not record the background task model'),
    );
  await markBackground(context, task.id);
  await reply.moveToBackground(task.id);
  services.background.start(
    () => work,
    (error) => void endInBackground(context, reply, error),
  );
}

/** A background task's work failed: log it and, when the task has not ended, end it with the internal error. */
async function endInBackground(context: CommandContext, reply: ReplyChannel, error: unknown): Promise<void> {
  context.log.error({ err: describeErrorBriefly(error) }, 'a background task failed');
  if (reply.ended || reply.left) return;
  await reply
    .send({ type: 'error', code: 'internal', message: INTERNAL_ERROR_MESSAGE })
    .catch((failure: unknown) =>
      context.log.error({ err: describeErrorBriefly(failure) }, 'could not tell the user the task failed'),
    );
}

/**
 * The task goes on in the background and its event will be acknowledged: note it in the task's events
 * first (a redelivery of the event then never takes the task over, and recovery knows to queue it again,
 * ADR 0055), and tell this worker's registry, so a shutdown hands it back.
 */
async function markBackground(context: CommandContext, taskId: string): Promise<void> {
  const { services, log } = context;
  services.running.markBackground(taskId);
  await services.store
    .appendTaskEvent(taskId, BACKGROUND_TASK_EVENT, {})
    .catch((error: unknown) =>
      log.warn(
        { err: describeErrorBriefly(error) },
        'could not note that the task went on in the background',
      ),
    );
}

/**
 * The bus took the event back (the worker is shutting down, or lost the event's lease): no final reply
 * and no ending; the task goes back to `queued` for the worker that gets the event next, which asks
 * again (the user sees "restarted after an interruption…"). ADR 0048. A task in the background has no
 * event on the bus any more: its lease ends now instead, and recovery queues it again (ADR 0055).
 */
async function handBack(context: CommandContext, taskId: string): Promise<void> {
  const { services, reply, log } = context;
  const owner = services.lease.owner;
  if (services.running.inBackground(taskId)) {
    const released = await services.store.expireLease(taskId, owner);
    log.info({ taskId, released }, 'left a background task to recovery');
  } else {
    const handed = await services.store.handBackTask(taskId, owner);
    log.info({ taskId, handed }, 'handed the task back to the queue');
  }
  reply.leaveUnanswered('handed back to the queue');
}

/** The asker's daily cloud budget as a gate every model call of the turn reserves against, when one is set. */
function budgetOf(context: CommandContext): { budget?: SpendGate } {
  const { services, identity } = context;
  const budgetUsd = services.routing.dailyCloudBudgetUsd;
  if (budgetUsd === undefined) return {};
  return {
    budget: dailyBudgetGate({
      store: services.store,
      prices: services.prices,
      authorId: identity,
      budgetUsd,
      now: services.now,
      logger: context.log,
    }),
  };
}
