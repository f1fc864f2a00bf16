import { isAuthorized } from '@switchboard/adapter-web';
import type { WebhookRoute } from '@switchboard/core';
import type { TaskStore } from '@switchboard/memory';

/** The web chat's own conversation, listed when no `conversation` is asked for. */
const WEB_DEFAULT_CONVERSATION = 'web:local:default:-';

const problem = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status });

/** What the task routes need: the store once it is open, and the API token. */
export interface TasksApiOptions {
  readonly store: () => TaskStore | undefined;
  readonly apiToken: string | undefined;
}

/**
 * `GET /api/tasks?conversation=<key>&limit=<1-100>` (a conversation's tasks, newest first; default the
 * web chat's) and `GET /api/tasks/{id}` (one task with its events: route, attempts, tool calls,
 * approvals), as JSON for a dashboard. Owner routes: the same checks and authentication as
 * `/api/messages`.
 */
export function tasksApiRoutes(options: TasksApiOptions): WebhookRoute[] {
  const ready = (request: Request, remoteAddress: string | undefined): TaskStore | Response => {
    if (!isAuthorized(request, remoteAddress, options.apiToken))
      return problem(401, 'unauthorized', 'Send the same credentials as for /api/messages.');
    return options.store() ?? problem(503, 'starting', 'The box is still starting; try again in a moment.');
  };
  return [
    {
      method: 'GET',
      path: '/api/tasks',
      caller: 'owner',
      async handle(request, context) {
        const store = ready(request, context.remoteAddress);
        if (store instanceof Response) return store;
        const query = new URL(request.url).searchParams;
        const conversation = query.get('conversation') ?? WEB_DEFAULT_CONVERSATION;
        const limit = Number(query.get('limit') ?? 20);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100)
          return problem(400, 'bad_request', '"limit" must be a whole number from 1 to 100.');
        return Response.json({ conversation, tasks: await store.listTasks(conversation, limit) });
      },
    },
    {
      method: 'GET',
      path: '/api/tasks/:taskId',
      caller: 'owner',
      async handle(request, context) {
        const store = ready(request, context.remoteAddress);
        if (store instanceof Response) return store;
        const id = decodeURIComponent(new URL(request.url).pathname.split('/').at(-1) ?? '');
        const task = await store.getTask(id);
        if (task === undefined) return problem(404, 'unknown_task', `There is no task ${id}.`);
        return Response.json({ task, events: await store.listTaskEvents(id) });
      },
    },
  ];
}
