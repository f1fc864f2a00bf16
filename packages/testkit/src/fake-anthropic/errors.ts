/** Anthropic's error body: `{ type: 'error', error: { type, message }, request_id }`. */
export function errorBody(type: string, message: string): object {
  return { type: 'error', error: { type, message }, request_id: `req_fake_${Date.now()}` };
}

/** The body Anthropic sends for a status, when a test does not give one. */
export function defaultErrorBody(status: number): object {
  switch (status) {
    case 400:
      return errorBody('invalid_request_error', 'Invalid request.');
    case 401:
      return errorBody('authentication_error', 'invalid x-api-key');
    case 402:
      return errorBody('billing_error', 'Your credit balance is too low to access the Anthropic API.');
    case 403:
      return errorBody(
        'permission_error',
        'Your API key does not have permission to use the specified resource.',
      );
    case 404:
      return errorBody('not_found_error', 'model: claude-fake');
    case 413:
      return errorBody('request_too_large', 'Request exceeds the maximum allowed number of bytes.');
    case 429:
      return errorBody(
        'rate_limit_error',
        'This request would exceed the rate limit for your organization of 50 requests per minute.',
      );
    case 529:
      return errorBody('overloaded_error', 'Overloaded');
    default:
      return status >= 500
        ? errorBody('api_error', 'Internal server error')
        : errorBody('invalid_request_error', `Request failed with status ${status}.`);
  }
}

interface WireBlock {
  readonly type?: unknown;
  readonly text?: unknown;
  readonly id?: unknown;
  readonly tool_use_id?: unknown;
}

interface WireMessage {
  readonly role?: unknown;
  readonly content?: unknown;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

function blocksOf(message: WireMessage): readonly WireBlock[] {
  return Array.isArray(message.content) ? (message.content as WireBlock[]) : [];
}

function idsOf(blocks: readonly WireBlock[], type: string, key: 'id' | 'tool_use_id'): string[] {
  return blocks.flatMap((block) =>
    block.type === type && typeof block[key] === 'string' ? [block[key] as string] : [],
  );
}

function invalidContent(message: WireMessage, index: number, last: boolean): string | undefined {
  const { content } = message;
  const emptyAllowed = last && message.role === 'assistant';
  if (typeof content === 'string') {
    return content === '' && !emptyAllowed
      ? `messages.${index}: all messages must have non-empty content except for the optional final assistant message`
      : undefined;
  }
  if (!Array.isArray(content)) return `messages.${index}.content: Input should be a valid string or list`;
  if (content.length === 0 && !emptyAllowed)
    return `messages.${index}: all messages must have non-empty content except for the optional final assistant message`;
  for (const [position, block] of (content as WireBlock[]).entries()) {
    if (typeof block?.type !== 'string') return `messages.${index}.content.${position}.type: Field required`;
    if (block.type === 'text' && (typeof block.text !== 'string' || block.text === ''))
      return 'messages: text content blocks must be non-empty';
  }
  return undefined;
}

/** The checks on turns, roles and tool ids, message by message. */
function invalidMessages(messages: readonly WireMessage[]): string | undefined {
  let previousRole: unknown;
  let openToolUses: string[] = [];
  for (const [index, message] of messages.entries()) {
    const { role } = message;
    if (role === 'system') {
      return `messages.${index}.role: Unexpected role "system". The Messages API accepts a top-level \`system\` parameter, not "system" as an input message role.`;
    }
    if (role !== 'user' && role !== 'assistant')
      return `messages.${index}.role: Input should be 'user' or 'assistant'`;
    if (index === 0 && role !== 'user') return 'messages: first message must use the "user" role';
    if (role === previousRole) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${role}" roles in a row`;
    }
    const invalid = invalidContent(message, index, index === messages.length - 1);
    if (invalid !== undefined) return invalid;
    const blocks = blocksOf(message);
    const results = role === 'user' ? idsOf(blocks, 'tool_result', 'tool_use_id') : [];
    const unexpected = results.filter((id) => !openToolUses.includes(id));
    if (unexpected.length > 0) {
      return `messages.${index}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
    }
    const unanswered = openToolUses.filter((id) => !results.includes(id));
    if (unanswered.length > 0) {
      return `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
    openToolUses = role === 'assistant' ? idsOf(blocks, 'tool_use', 'id') : [];
    previousRole = role;
  }
  return undefined;
}

function invalidTools(tools: unknown): string | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
  for (const [index, tool] of (tools as { name?: unknown; input_schema?: unknown }[]).entries()) {
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name))
      return `tools.${index}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
    if (typeof tool.input_schema !== 'object' || tool.input_schema === null)
      return `tools.${index}.custom.input_schema: Field required`;
  }
  return undefined;
}

/**
 * The checks the Messages API makes that a provider's mapping can get wrong; returns the error message,
 * or `undefined` when the request is valid.
 */
export function invalidMessagesRequest(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'The request body must be a JSON object.';
  const request = body as { model?: unknown; max_tokens?: unknown; messages?: unknown; system?: unknown };
  if (typeof request.model !== 'string' || request.model === '') return 'model: Field required';
  if (request.max_tokens === undefined) return 'max_tokens: Field required';
  if (!Number.isInteger(request.max_tokens) || (request.max_tokens as number) < 0)
    return 'max_tokens: Input should be a valid integer greater than or equal to 0';
  if (request.system !== undefined && typeof request.system !== 'string' && !Array.isArray(request.system))
    return 'system: Input should be a valid string or list';
  if (!Array.isArray(request.messages)) return 'messages: Field required';
  if (request.messages.length === 0) return 'messages: at least one message is required';
  return (
    invalidMessages(request.messages as WireMessage[]) ?? invalidTools((body as { tools?: unknown }).tools)
  );
}
