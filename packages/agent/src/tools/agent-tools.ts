import { conversationKey, type InboundEvent } from '@switchboard/core';
import type { ScheduleStore, TaskStore } from '@switchboard/memory';
import { type AnyTool, defineTool, type ToolContext } from '@switchboard/tools';
import { z } from 'zod';
import { createSchedule, describeSchedule } from '../schedules/create';
import { WHEN_HELP } from '../schedules/when';
import { describeStep, describeTask, taskListLine } from '../tasks/describe';

/** The request a running task answers, and who asked it: what the agent's own tools act for. */
export interface TaskRequest {
  readonly event: InboundEvent;
  readonly identity: string;
}

/** What the agent's own tools need: the store, the clock, and the requests of the tasks running here. */
export interface AgentToolServices {
  readonly store: ScheduleStore & TaskStore;
  readonly now: () => number;
  readonly requests: ReadonlyMap<string, TaskRequest>;
}

function requestOf(services: AgentToolServices, context: ToolContext): TaskRequest {
  const request = services.requests.get(context.taskId);
  if (request === undefined) throw new Error('this task has no request to act for');
  return request;
}

/** `schedule`: create, list or delete the conversation's schedules (a `write` tool: asked before it runs). */
export function scheduleTool(services: AgentToolServices) {
  return defineTool({
    name: 'schedule',
    description: `Create, list or delete scheduled prompts of this conversation; each run asks the prompt and posts the answer here. For create, "when" is "in 10m" (or 2h, 1d), "at 18:00" (the next such time), "at 2026-12-24T18:00", "every day at 9:00", "every weekday at 8:30am", "every monday,friday at 18:00", "every 15m", or a cron expression such as "0 9 * * 1-5"; "timeZone" is an IANA zone (default UTC).`,
    input: z.object({
      action: z.enum(['create', 'list', 'delete']),
      when: z.string().optional(),
      timeZone: z.string().optional(),
      prompt: z.string().optional(),
      id: z.string().optional(),
    }),
    risk: 'write',
    summarize: (input) =>
      input.action === 'create'
        ? `schedule "${input.prompt ?? ''}" ${input.when ?? ''}${input.timeZone ? ` (${input.timeZone})` : ''}`
        : input.action === 'delete'
          ? `delete schedule ${input.id ?? ''}`
          : 'list schedules',
    run: async (input, context) => {
      const { event, identity } = requestOf(services, context);
      const key = conversationKey(event.conversation);
      if (input.action === 'list') {
        const list = await services.store.listSchedules(key);
        return { text: list.length === 0 ? 'No schedules.' : list.map(describeSchedule).join('\n') };
      }
      if (input.action === 'delete') {
        const removed = await services.store.deleteSchedule(key, input.id ?? '');
        return removed
          ? { text: `Removed schedule ${input.id}.` }
          : { text: `No schedule ${input.id ?? ''} here.`, isError: true };
      }
      const when = (input.when ?? '').trim();
      const worded = /^(?:in|at|every|daily|hourly)\b/i.test(when) || /^["`]/.test(when);
      const written = worded ? when : `\`${when}\``;
      const zone = input.timeZone ? ` tz:${input.timeZone}` : '';
      const line = `${written}${zone} ${input.prompt ?? ''}`;
      const created = await createSchedule(services.store, event, identity, line, services.now());
      if ('problem' in created) return { text: `${created.problem} ${WHEN_HELP}`, isError: true };
      return { text: `Scheduled ${describeSchedule(created)}.` };
    },
  });
}

/** `task_status`: the conversation's recent tasks, or one task's steps (a `read` tool). */
export function taskStatusTool(services: AgentToolServices) {
  return defineTool({
    name: 'task_status',
    description:
      'The recent tasks of this conversation (id, status, model, age, cost), or the steps of one task given its id.',
    input: z.object({ id: z.string().optional() }),
    risk: 'read',
    summarize: ({ id }) => (id ? `status of task ${id}` : 'recent tasks'),
    run: async ({ id }, context) => {
      const { event } = requestOf(services, context);
      const key = conversationKey(event.conversation);
      const now = services.now();
      if (id === undefined || id.trim().length === 0) {
        const list = await services.store.listTasks(key, 10, 'ask');
        return { text: list.map((task) => taskListLine(task, now)).join('\n') || 'No tasks.' };
      }
      const task = await services.store.findTask(key, id.trim().replace(/^#/, ''));
      if (task === undefined) return { text: `No task ${id} in this conversation.`, isError: true };
      const steps = (await services.store.listTaskEvents(task.id)).flatMap(
        (entry) => describeStep(entry) ?? [],
      );
      return { text: [describeTask(task), ...steps].join('\n') };
    },
  });
}

/** The agent's own tools, which act on the conversation of the task that calls them. */
export function agentTools(services: AgentToolServices): AnyTool[] {
  return [scheduleTool(services), taskStatusTool(services)];
}
