import { describeError, type ReplyPart, SwitchboardError } from '@switchboard/core';
import { type PushedPart, readEvents, readParts } from '../sse';

/** The box did not take a request: unreachable, refused, or it answered with an error. */
export class BoxRequestError extends SwitchboardError {
  /** The HTTP status, when the box answered. */
  readonly status: number | undefined;

  constructor(code: string, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.name = 'BoxRequestError';
    this.status = options.status;
  }
}

/** What became of a choice sent for an approval. */
export type ApprovalOutcome =
  | { readonly kind: 'decided' }
  /** The box has no approvals API (an older box). */
  | { readonly kind: 'unavailable' }
  /** The box refused the choice; `message` says why. */
  | { readonly kind: 'refused'; readonly message: string };

/** The terminal chat's side of the box's HTTP API. */
export interface BoxClient {
  /** Send a message; resolves once the box took it, with the reply's parts as they stream. */
  send(conversation: string, text: string, signal: AbortSignal): Promise<AsyncIterable<ReplyPart>>;
  /** Send the user's choice for an approval the reply asked for. */
  decide(approvalId: string, choice: string, signal: AbortSignal): Promise<ApprovalOutcome>;
  /**
   * Listen to the conversation's answers that no request waits for (a schedule's runs), until `signal`
   * aborts or the box goes; `unavailable` from a box without that stream (an older box).
   */
  listen(conversation: string, signal: AbortSignal): Promise<AsyncIterable<PushedPart> | 'unavailable'>;
  /** The conversation's newest `limit` turns, oldest first; none from a box without that route. */
  earlier(conversation: string, limit: number, signal: AbortSignal): Promise<EarlierTurn[]>;
}

/** A turn the conversation had before this chat opened. */
export interface EarlierTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

interface Problem {
  readonly code: string | undefined;
  readonly message: string | undefined;
}

/** A client of the box at `url`, with `SWITCHBOARD_API_TOKEN` as bearer token when one is set. */
export function createBoxClient(options: { readonly url: string; readonly apiToken: string | undefined }) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiToken) headers['authorization'] = `Bearer ${options.apiToken}`;
  const { 'content-type': _json, ...withoutType } = headers;

  const call = async (path: string, body: unknown, signal: AbortSignal): Promise<Response> => {
    try {
      const url = new URL(path, options.url);
      if (body === undefined) return await fetch(url, { headers: withoutType, signal });
      return await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new BoxRequestError(
        'box_unreachable',
        `Cannot reach the box at ${options.url} (${reasonOf(error)}). Is it still running?`,
        { cause: error },
      );
    }
  };

  const client: BoxClient = {
    async send(conversation, text, signal) {
      const response = await call('/api/messages', { conversation, text }, signal);
      if (!response.ok || response.body === null) throw refusal(response, await readProblem(response));
      return readParts(response.body);
    },
    async decide(approvalId, choice, signal) {
      const path = `/api/approvals/${encodeURIComponent(approvalId)}`;
      const response = await call(path, { choice }, signal);
      if (response.ok) {
        await response.body?.cancel();
        return { kind: 'decided' };
      }
      const problem = await readProblem(response);
      if (isMissingRoute(response, problem)) return { kind: 'unavailable' };
      return { kind: 'refused', message: problem.message ?? `The box answered HTTP ${response.status}.` };
    },
    async earlier(conversation, limit, signal) {
      const path = `/api/conversations/${encodeURIComponent(conversation)}/messages?limit=${limit}`;
      const response = await call(path, undefined, signal);
      if (!response.ok) {
        await response.body?.cancel();
        return [];
      }
      const body = (await response.json().catch(() => ({}))) as { messages?: unknown };
      if (!Array.isArray(body.messages)) return [];
      return body.messages.flatMap((message: { role?: unknown; text?: unknown }) =>
        (message.role === 'user' || message.role === 'assistant') && typeof message.text === 'string'
          ? [{ role: message.role, text: message.text }]
          : [],
      );
    },
    async listen(conversation, signal) {
      const path = `/api/conversations/${encodeURIComponent(conversation)}/events`;
      const response = await call(path, undefined, signal);
      if (response.ok && response.body !== null) return readEvents<PushedPart>(response.body);
      const problem = await readProblem(response);
      if (isMissingRoute(response, problem)) return 'unavailable';
      throw refusal(response, problem);
    },
  };
  return client;
}

/** The box has no such route (an older box): its own 404, or a 405 without one of our problem codes. */
function isMissingRoute(response: Response, problem: Problem): boolean {
  const noRoute = problem.code === undefined || problem.code === 'not_found';
  return (response.status === 404 || response.status === 405) && noRoute;
}

/** The box's refusal as an error, in its own words when it gave some. */
function refusal(response: Response, problem: Problem): BoxRequestError {
  return new BoxRequestError(
    problem.code ?? 'box_refused',
    problem.message ?? `The box answered HTTP ${response.status}.`,
    { status: response.status },
  );
}

async function readProblem(response: Response): Promise<Problem> {
  const body = (await response.json().catch(() => undefined)) as
    | { error?: { code?: unknown; message?: unknown } }
    | undefined;
  const code = body?.error?.code;
  const message = body?.error?.message;
  return {
    code: typeof code === 'string' ? code : undefined,
    message: typeof message === 'string' ? message : undefined,
  };
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : describeError(error);
}
