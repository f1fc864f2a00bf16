import {
  BAD_CONVERSATION_IN_PATH,
  conversationInPath,
  isAuthorized,
  webConversation,
} from '@switchboard/adapter-web';
import { conversationKey, type WebhookRoute } from '@switchboard/core';
import type { Store } from '@switchboard/memory';

const problem = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status, headers: { 'cache-control': 'no-store' } });

/** What the messages route needs: the store once it is open, and the API token. */
export interface MessagesApiOptions {
  readonly store: () => Pick<Store, 'recentMessages'> | undefined;
  readonly apiToken: string | undefined;
}

/** The most turns one request returns. */
const MAX_LIMIT = 200;

/**
 * `GET /api/conversations/{conversation}/messages?limit=<1-200>` (default 50): the newest turns of a web
 * chat conversation, oldest first, as `{ conversation, messages: [{ role, text, at, taskId }] }` — what
 * the page shows again when it is reloaded. An owner route with the same credentials as
 * `/api/messages`. Turns the box no longer keeps (`/forget`, retention) are not there.
 */
export function messagesApiRoute(options: MessagesApiOptions): WebhookRoute {
  return {
    method: 'GET',
    path: '/api/conversations/:conversation/messages',
    caller: 'owner',
    async handle(request, context) {
      if (!isAuthorized(request, context.remoteAddress, options.apiToken))
        return problem(401, 'unauthorized', 'Send the same credentials as for /api/messages.');
      const url = new URL(request.url);
      const name = conversationInPath(url);
      if (name === undefined) return problem(400, 'bad_request', BAD_CONVERSATION_IN_PATH);
      const limit = Number(url.searchParams.get('limit') ?? 50);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
        return problem(400, 'bad_request', `"limit" must be a whole number from 1 to ${MAX_LIMIT}.`);
      const store = options.store();
      if (store === undefined)
        return problem(503, 'starting', 'The box is still starting; try again in a moment.');
      const turns = await store.recentMessages(conversationKey(webConversation(name)), limit);
      const messages = turns.map((turn) => ({
        role: turn.role,
        text: turn.content,
        at: turn.createdAt.toISOString(),
        taskId: turn.taskId ?? null,
      }));
      return Response.json({ conversation: name, messages }, { headers: { 'cache-control': 'no-store' } });
    },
  };
}
