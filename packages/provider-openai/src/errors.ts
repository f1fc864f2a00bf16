import {
  brokenOffError,
  idleTimeoutError,
  type ModelError,
  type SdkErrorKinds,
  type ServerContext,
  toModelFailure,
} from '@switchboard/core';
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';

/** What an error message may say about where the request went; never the key itself. */
export interface ErrorContext {
  /** The provider name, such as `openai`. */
  readonly provider: string;
  /** The model asked for, when there is one. */
  readonly model?: string;
  /** The base URL without credentials or query. */
  readonly url: string;
  /** True for OpenAI's own API, which is then called "OpenAI" rather than "the model server at …". */
  readonly official: boolean;
  /** Redacted from every message, in case a server echoes it. */
  readonly apiKey: string | undefined;
  /** The prefix of the settings named in advice: `OPENAI` gives OPENAI_API_KEY, OPENAI_MODELS, OPENAI_BASE_URL. */
  readonly envPrefix: string;
}

/** How messages name the server: "OpenAI" or "The model server at http://…". */
export function serverName(context: Pick<ErrorContext, 'official' | 'url'>): {
  subject: string;
  object: string;
} {
  return context.official
    ? { subject: 'OpenAI', object: 'OpenAI' }
    : { subject: `The model server at ${context.url}`, object: `the model server at ${context.url}` };
}

/** The context the shared error wording of `@switchboard/core` needs. */
export function serverContext(context: ErrorContext): ServerContext {
  const { subject, object } = serverName(context);
  return {
    provider: context.provider,
    ...(context.model === undefined ? {} : { model: context.model }),
    subject,
    object,
    location: context.official ? `OpenAI at ${context.url}` : object,
    envPrefix: context.envPrefix,
    baseUrlAdvice: '(it usually ends in /v1)',
    apiKey: context.apiKey,
  };
}

/** The meaning of an OpenAI error body beyond its status; `error.error` is the body's inner `error`. */
const openAIErrors: SdkErrorKinds = {
  isTimeout: (error) => error instanceof APIConnectionTimeoutError,
  isConnection: (error) => error instanceof APIConnectionError,
  apiFailure(error) {
    if (!(error instanceof APIError)) return undefined;
    const detail = error.error as { code?: unknown; type?: unknown; message?: unknown } | undefined;
    const meaning =
      error.status === 429 && detail?.code === 'insufficient_quota'
        ? 'quota'
        : detail?.type === 'overloaded_error' || detail?.code === 'overloaded'
          ? 'overloaded'
          : detail?.code === 'context_length_exceeded'
            ? 'context-too-long'
            : detail?.type === 'server_error'
              ? 'server'
              : undefined;
    return { status: error.status, headers: error.headers, meaning, message: detail?.message };
  },
};

/** The one error a stream yields when its idle timeout fires. */
export function timeoutError(context: ErrorContext, timeoutMs: number): ModelError {
  return idleTimeoutError(serverContext(context), timeoutMs);
}

/** A stream that ended without a finish reason: the connection broke off somewhere. */
export function truncatedError(context: ErrorContext): ModelError {
  return brokenOffError(serverContext(context));
}

/** Any failure of the SDK, the network or the stream as a {@link ModelError} whose message never holds the key. */
export function toModelError(error: unknown, context: ErrorContext): ModelError {
  return toModelFailure(error, serverContext(context), openAIErrors);
}
