import { ModelError } from './errors';
import {
  describeWait,
  isNetworkError,
  networkReason,
  quoteServerMessage,
  redact,
  retryAfterMs,
  safeCause,
} from './model-http';

/** How a provider's error messages name its server and the settings that fix it; never the key itself. */
export interface ServerContext {
  /** The provider name, copied into `ModelError.provider`. */
  readonly provider: string;
  /** The model asked for, when there is one. */
  readonly model?: string;
  /** Starts a sentence: "OpenAI", "The model server at http://127.0.0.1:8080/v1". */
  readonly subject: string;
  /** Inside a sentence: "OpenAI", "the model server at http://127.0.0.1:8080/v1". */
  readonly object: string;
  /** Where a connection could not be made: "OpenAI at https://api.openai.com/v1". */
  readonly location: string;
  /** The prefix of the settings named in advice: `OPENAI` gives OPENAI_API_KEY, OPENAI_MODELS, OPENAI_BASE_URL. */
  readonly envPrefix: string;
  /** Said of the base URL after a 404, such as "(it usually ends in /v1)". */
  readonly baseUrlAdvice: string;
  /** Redacted from every message and cause, in case a server echoes it. */
  readonly apiKey: string | undefined;
}

/** What an error answer means when its status alone does not tell. */
export type FailureMeaning = 'quota' | 'overloaded' | 'server' | 'context-too-long';

/** An SDK's API error reduced to what the mapping needs. */
export interface ApiFailure {
  /** `undefined` for an `error` event inside a stream that had already started. */
  readonly status: number | undefined;
  readonly headers: Headers | undefined;
  readonly meaning: FailureMeaning | undefined;
  /** The server's own message; quoted, redacted, where only reading it helps. */
  readonly message: unknown;
}

/** How one provider recognises the errors of its SDK. */
export interface SdkErrorKinds {
  /** The SDK gave up waiting for the response. */
  isTimeout(error: unknown): boolean;
  /** The SDK could not connect, or lost the connection before the response. */
  isConnection(error: unknown): boolean;
  /** An HTTP error answer or an error event, reduced; `undefined` for any other error. */
  apiFailure(error: unknown): ApiFailure | undefined;
}

/** The one error a stream yields when its server stays silent for longer than `timeoutMs`. */
export function idleTimeoutError(server: ServerContext, timeoutMs: number): ModelError {
  const silence = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
  return new ModelError({
    code: 'timeout',
    message: `${server.subject} sent nothing for ${silence}, so the request was given up; try again.`,
    provider: server.provider,
    retryable: true,
  });
}

/** A stream that ended before the model finished: the connection broke off somewhere. */
export function brokenOffError(server: ServerContext): ModelError {
  return new ModelError({
    code: 'connection_failed',
    message: `The answer from ${server.object} broke off before the model finished; try again.`,
    provider: server.provider,
    retryable: true,
  });
}

/** The model called a tool with arguments that are not JSON. */
export function invalidToolArgumentsError(server: ServerContext, toolName: string): ModelError {
  return new ModelError({
    code: 'invalid_tool_arguments',
    message: `${server.subject} sent arguments for the tool "${toolName}" that are not valid JSON; try again.`,
    provider: server.provider,
    retryable: true,
  });
}

function statusError(failure: ApiFailure, status: number, server: ServerContext, cause: unknown): ModelError {
  const { subject, envPrefix } = server;
  const wait = retryAfterMs(failure.headers);
  const model = server.model === undefined ? undefined : `model "${server.model}"`;
  const error = (code: string, message: string, retryable: boolean) =>
    new ModelError({
      code,
      message,
      provider: server.provider,
      status,
      retryable,
      ...(retryable && wait !== undefined ? { retryAfterMs: wait } : {}),
      cause,
    });

  if (status === 401 || status === 403)
    return error('auth_failed', `${subject} rejected the API key: check ${envPrefix}_API_KEY`, false);
  if (failure.meaning === 'quota') {
    const advice = `check the plan and billing of the key in ${envPrefix}_API_KEY.`;
    return error('quota_exceeded', `${subject} says the account has no quota left: ${advice}`, false);
  }
  if (status === 429)
    return error(
      'rate_limited',
      `${subject} is rate-limiting requests; try again ${describeWait(wait)}.`,
      true,
    );
  if (status === 529 || failure.meaning === 'overloaded')
    return error('overloaded', `${subject} is overloaded; try again ${describeWait(wait)}.`, true);
  if (status === 408) return error('timeout', `${subject} timed out (HTTP 408); try again.`, true);
  if (status >= 500 || status === 409) {
    const message = `${subject} is unavailable right now (HTTP ${status}); try again ${describeWait(wait)}.`;
    return error('provider_unavailable', message, true);
  }
  if (status === 404) {
    const advice = `check ${envPrefix}_MODELS, and ${envPrefix}_BASE_URL ${server.baseUrlAdvice}`;
    return error(
      'model_not_found',
      `${subject} has no ${model ?? 'such model'} (HTTP 404): ${advice}.`,
      false,
    );
  }
  if (failure.meaning === 'context-too-long') {
    const advice = 'use /forget or a model with a larger context window.';
    return error(
      'context_too_long',
      `The conversation is too long for ${model ?? 'the model'}; ${advice}`,
      false,
    );
  }
  const quoted = quoteServerMessage(failure.message, server.apiKey);
  return error('bad_request', `${subject} refused the request (HTTP ${status})${quoted}`, false);
}

function streamEventError(failure: ApiFailure, server: ServerContext, cause: unknown): ModelError {
  const code =
    failure.meaning === 'overloaded'
      ? 'overloaded'
      : failure.meaning === 'server'
        ? 'provider_unavailable'
        : 'provider_error';
  return new ModelError({
    code,
    message: `${server.subject} reported an error in the middle of the answer${quoteServerMessage(failure.message, server.apiKey)}`,
    provider: server.provider,
    retryable: code !== 'provider_error',
    cause,
  });
}

/**
 * Any failure of a provider's SDK, the network or the stream as a {@link ModelError} with a stable code
 * and a sentence that says what to do; neither the message nor the cause holds the API key.
 */
export function toModelFailure(error: unknown, server: ServerContext, sdk: SdkErrorKinds): ModelError {
  const { subject, object, provider } = server;
  const cause = safeCause(error, server.apiKey);
  if (sdk.isTimeout(error)) {
    const message = `${subject} did not answer in time; try again.`;
    return new ModelError({ code: 'timeout', message, provider, retryable: true, cause });
  }
  if (sdk.isConnection(error)) {
    const advice = `Check ${server.envPrefix}_BASE_URL and that the server is running.`;
    const message = `Cannot reach ${server.location}: ${networkReason(error)}. ${advice}`;
    return new ModelError({ code: 'connection_failed', message, provider, retryable: true, cause });
  }
  const failure = sdk.apiFailure(error);
  if (failure !== undefined) {
    return failure.status === undefined
      ? streamEventError(failure, server, cause)
      : statusError(failure, failure.status, server, cause);
  }
  if (error instanceof SyntaxError) {
    const message = `${subject} sent a piece of the answer that is not valid JSON; try again.`;
    return new ModelError({ code: 'malformed_response', message, provider, retryable: true, cause });
  }
  if (isNetworkError(error)) {
    const message = `The connection to ${object} broke off (${networkReason(error)}); try again.`;
    return new ModelError({ code: 'connection_failed', message, provider, retryable: true, cause });
  }
  const text = error instanceof Error ? error.message : String(error);
  const message = `The call to ${object} failed: ${redact(text, server.apiKey)}`;
  return new ModelError({ code: 'provider_error', message, provider, retryable: false, cause });
}
