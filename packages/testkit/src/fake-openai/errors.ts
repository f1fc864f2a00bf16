/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export function errorBody(
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
) {
  return { error: { message, type, param, code } };
}

/** The body OpenAI sends for a status, when a test does not give one. */
export function defaultErrorBody(status: number): object {
  switch (status) {
    case 400:
      return errorBody('Invalid request.', 'invalid_request_error');
    case 401:
      return errorBody(
        'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
        'invalid_request_error',
        'invalid_api_key',
      );
    case 403:
      return errorBody(
        'You are not allowed to use this model.',
        'invalid_request_error',
        'model_not_allowed',
      );
    case 404:
      return errorBody(
        'The model `fake-model` does not exist or you do not have access to it.',
        'invalid_request_error',
        'model_not_found',
      );
    case 429:
      return errorBody(
        'Rate limit reached for requests. Please try again later.',
        'requests',
        'rate_limit_exceeded',
      );
    case 503:
      return errorBody('The engine is currently overloaded, please try again later.', 'server_error');
    case 529:
      return errorBody('Overloaded.', 'overloaded_error', 'overloaded');
    default:
      return status >= 500
        ? errorBody(
            'The server had an error while processing your request. Sorry about that!',
            'server_error',
          )
        : errorBody(`Request failed with status ${status}.`, 'invalid_request_error');
  }
}

interface WireMessage {
  readonly role?: unknown;
  readonly content?: unknown;
  readonly tool_calls?: readonly { readonly id?: unknown }[];
  readonly tool_call_id?: unknown;
}

/**
 * The checks OpenAI makes on a chat-completion request that a provider's mapping can get wrong; returns
 * the error message, or `undefined` when the request is valid.
 */
export function invalidChatRequest(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'The request body must be a JSON object.';
  const request = body as { model?: unknown; messages?: unknown };
  if (typeof request.model !== 'string' || request.model === '')
    return "Missing required parameter: 'model'.";
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    return "Invalid 'messages': empty array. Expected an array with minimum length 1.";
  }
  const pendingCalls = new Set<string>();
  for (const [index, message] of (request.messages as WireMessage[]).entries()) {
    const role = message.role;
    if (
      role !== 'system' &&
      role !== 'developer' &&
      role !== 'user' &&
      role !== 'assistant' &&
      role !== 'tool'
    ) {
      return `Invalid value for 'messages[${index}].role'.`;
    }
    if (role === 'tool') {
      if (typeof message.tool_call_id !== 'string' || !pendingCalls.has(message.tool_call_id)) {
        return `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.`;
      }
      continue;
    }
    if (role === 'assistant' && Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
      for (const call of message.tool_calls) if (typeof call.id === 'string') pendingCalls.add(call.id);
      if (message.content !== null && message.content !== undefined && typeof message.content !== 'string') {
        return `Invalid type for 'messages[${index}].content'.`;
      }
      continue;
    }
    if (typeof message.content !== 'string' && !Array.isArray(message.content)) {
      return `Invalid type for 'messages[${index}].content': expected a string or an array.`;
    }
  }
  return undefined;
}
