import type { WebhookRoute } from '@switchboard/core';
import { isAuthorized } from './auth';
import { problem } from './problem';
import type { ConversationPush } from './push';
import { BAD_CONVERSATION_IN_PATH, conversationInPath } from './request';

/**
 * `GET /api/conversations/{conversation}/events`: a `text/event-stream` of the conversation's replies
 * that no request's own stream carries (a schedule's runs), each as `{"requestId", "part"}`, until the
 * client goes away. Same credentials as `/api/messages`; an owner route, so the `Host` is checked.
 */
export function listenRoute(options: {
  readonly apiToken: string | undefined;
  readonly push: ConversationPush;
}): WebhookRoute {
  return {
    method: 'GET',
    path: '/api/conversations/:conversation/events',
    caller: 'owner',
    async handle(request, context) {
      if (!isAuthorized(request, context.remoteAddress, options.apiToken))
        return problem(401, 'unauthorized', 'Send the same credentials as for /api/messages.');
      const conversation = conversationInPath(new URL(request.url));
      if (conversation === undefined) return problem(400, 'bad_request', BAD_CONVERSATION_IN_PATH);
      const events = options.push.listen(conversation);
      if (events === 'full')
        return problem(429, 'too_many_listeners', 'Too many pages are listening; close some and retry.', {
          'retry-after': '30',
        });
      return new Response(events, {
        status: 200,
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          'x-accel-buffering': 'no',
        },
      });
    },
  };
}
