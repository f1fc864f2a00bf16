import { randomUUID } from 'node:crypto';
import {
  approvalButton,
  type EventSink,
  type InboundEvent,
  type ReplyPart,
  type WebhookRoute,
} from '@switchboard/core';
import { isAuthorized } from './auth';
import { WEB_OWNER } from './owner';
import { problem } from './problem';

/** The longest the route waits for the agent to record a decision. */
const DECISION_TIMEOUT_MS = 15_000;

/** The HTTP status of each refusal the agent can answer a press with. */
const STATUS_OF: Readonly<Record<string, number>> = {
  unknown_approval: 404,
  unknown_action: 404,
  approval_closed: 409,
  invalid_choice: 400,
  not_your_approval: 403,
  unauthorized: 403,
};

/** What the approvals route needs from the adapter. */
export interface ApprovalRouteDeps {
  readonly apiToken: string | undefined;
  readonly sink: () => EventSink | undefined;
  /** The final part the agent sends for the request `requestId`, as it arrives. */
  readonly finalPart: (requestId: string, timeoutMs: number) => Promise<ReplyPart | undefined>;
}

/** Read `{ "choice": "<word>" }`; a sentence saying what is wrong otherwise. */
function readChoice(body: unknown): string | { readonly error: string } {
  const choice = (body as { choice?: unknown } | null)?.choice;
  if (typeof choice !== 'string' || !/^[\w-]{1,32}$/.test(choice))
    return { error: 'The body must be {"choice": "approve"} (or another of the request\'s choices).' };
  return choice;
}

function pressEvent(approvalId: string, choice: string): InboundEvent {
  const id = `web:approval:${randomUUID()}`;
  const { id: actionId, value } = approvalButton({ approvalId, choice });
  return {
    id,
    kind: 'action',
    conversation: { platform: 'web', account: 'local', channel: 'default', direct: true },
    author: { platformUserId: WEB_OWNER, displayName: 'Owner' },
    text: '',
    action: { id: actionId, value },
    reply: { platform: 'web', data: { requestId: id } },
    receivedAt: new Date().toISOString(),
  };
}

/**
 * `POST /api/approvals/{approvalId}` with `{"choice": "approve"}`: decide an approval request as the
 * owner (same authentication as `/api/messages`). The press goes through the agent like a button press
 * on any platform, and the answer says how it went: 200 decided, 404 unknown, 409 already decided or
 * expired, 400 not one of its choices.
 */
export function approvalRoute(deps: ApprovalRouteDeps): WebhookRoute {
  return {
    method: 'POST',
    path: '/api/approvals/:approvalId',
    caller: 'owner',
    maxBodyBytes: 4096,
    async handle(request, context) {
      if (!isAuthorized(request, context.remoteAddress, deps.apiToken))
        return problem(401, 'unauthorized', 'Send the same credentials as for /api/messages.');
      const sink = deps.sink();
      if (sink === undefined)
        return problem(503, 'starting', 'The box is still starting; try again in a moment.');
      const segment = new URL(request.url).pathname.split('/').at(-1) ?? '';
      let approvalId: string;
      try {
        approvalId = decodeURIComponent(segment);
      } catch {
        return problem(400, 'bad_request', 'The approval id in the path is not valid.');
      }
      let body: unknown;
      try {
        body = await request.json();
      } catch {
        return problem(400, 'bad_json', 'The body is not valid JSON. Send {"choice": "approve"}.');
      }
      const choice = readChoice(body);
      if (typeof choice !== 'string') return problem(400, 'bad_request', choice.error);
      const event = pressEvent(approvalId, choice);
      const answer = deps.finalPart(event.id, DECISION_TIMEOUT_MS);
      const result = await sink(event);
      if (result.status !== 'accepted')
        return problem(503, 'busy', 'The box is busy right now; try again shortly.');
      const part = await answer;
      if (part?.type === 'reply-end') return Response.json({ approvalId, choice, status: 'decided' });
      if (part?.type === 'error') return problem(STATUS_OF[part.code] ?? 500, part.code, part.message);
      return problem(504, 'timeout', 'The box did not record the decision in time; try again.');
    },
  };
}
