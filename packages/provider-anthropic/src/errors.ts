import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import {
  type FailureMeaning,
  type ModelError,
  type SdkErrorKinds,
  type ServerContext,
  toModelFailure,
} from '@switchboard/core';

/** Where the provider sends its requests, for error messages; never the key itself. */
export interface AnthropicServer {
  /** The provider name, such as `anthropic`. */
  readonly provider: string;
  /** The base URL without credentials or query. */
  readonly url: string;
  /** True for Anthropic's own API, which is then called "Anthropic". */
  readonly official: boolean;
  /** Redacted from every message, in case a server echoes it. */
  readonly apiKey: string | undefined;
}

/** How messages name the server, and which settings they point at (ANTHROPIC_API_KEY, ANTHROPIC_MODELS…). */
export function serverContext(server: AnthropicServer, model?: string): ServerContext {
  const name = server.official ? 'Anthropic' : `Anthropic-compatible server at ${server.url}`;
  return {
    provider: server.provider,
    ...(model === undefined ? {} : { model }),
    subject: server.official ? name : `The ${name}`,
    object: server.official ? name : `the ${name}`,
    location: server.official ? `Anthropic at ${server.url}` : `the ${name}`,
    envPrefix: 'ANTHROPIC',
    baseUrlAdvice: '(the address before /v1/messages)',
    apiKey: server.apiKey,
  };
}

/** Error codes in the body (`error.details.error_code`) that mean the account may not spend more. */
const SPENDING_CODES = new Set([
  'enforced_spend_limit_reached',
  'contract_spend_limit_reached',
  'linked_organization_spend_limit_reached',
  'linked_organization_billing_unavailable',
]);

function meaningOf(error: APIError): FailureMeaning | undefined {
  const message = error.apiMessage ?? '';
  if (error.type === 'overloaded_error') return 'overloaded';
  if (
    error.type === 'billing_error' ||
    error.status === 402 ||
    (error.errorCode !== null && SPENDING_CODES.has(error.errorCode)) ||
    /credit balance is too low|reached your specified API usage limits/i.test(message)
  ) {
    return 'quota';
  }
  if (error.status === 413 || /prompt is too long|context window|too many input tokens/i.test(message))
    return 'context-too-long';
  if (error.type === 'api_error') return 'server';
  return undefined;
}

/** How the Anthropic SDK's errors read; its `APIError` already parsed the body's type and message. */
const anthropicErrors: SdkErrorKinds = {
  isTimeout: (error) => error instanceof APIConnectionTimeoutError,
  isConnection: (error) => error instanceof APIConnectionError,
  apiFailure: (error) =>
    error instanceof APIError
      ? { status: error.status, headers: error.headers, meaning: meaningOf(error), message: error.apiMessage }
      : undefined,
};

/** Any failure of the SDK, the network or the stream as a {@link ModelError} whose message never holds the key. */
export function toModelError(error: unknown, server: ServerContext): ModelError {
  return toModelFailure(error, server, anthropicErrors);
}
