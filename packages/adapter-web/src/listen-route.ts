import type { WebhookRoute } from '@switchboard/core';
import { isAuthorized } from './auth';
import { problem } from './problem';
import type { ConversationPush } from './push';
import { CONVERSATION_NAME } from './request';

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
      const segment = new URL(request.url).pathname.split('/').at(-2) ?? '';
      let conversation = '';
      try {
        conversation = decodeURIComponent(segment);
      } catch {
        // refused below
      }
      if (!CONVERSATION_NAME.test(conversation))
        return problem(
          400,
          'bad_request',
          'The conversation in the path must be 1-64 letters, digits, dots, dashes or underscores.',
        );
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
