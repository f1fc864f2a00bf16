import { SwitchboardError } from '@switchboard/core';

/** Errors and their causes, outermost first (drizzle wraps the driver's error in `DrizzleQueryError`). */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current = error;
  while (current !== undefined && current !== null && !chain.includes(current) && chain.length < 10) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** The SQLSTATE (`23503`) or system error code (`ECONNREFUSED`) found on the error or one of its causes. */
export function errorCodeOf(error: unknown): string | undefined {
  for (const link of causeChain(error)) {
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
  }
  return undefined;
}

/**
 * The most specific message in the chain: the driver's own words rather than drizzle's
 * `Failed query: …` (which quotes the SQL and its parameters).
 */
export function reasonOf(error: unknown): string {
  const chain = causeChain(error);
  for (const link of chain.reverse()) {
    if (link instanceof AggregateError && link.errors.length > 0) return reasonOf(link.errors[0]);
    if (link instanceof Error && link.message.trim()) return link.message.trim();
    if (typeof link === 'string' && link.trim()) return link.trim();
  }
  return errorCodeOf(error) ?? 'unknown error';
}

/** PostgreSQL's SQLSTATE for a foreign-key violation. */
export const FOREIGN_KEY_VIOLATION = '23503';
/** PostgreSQL's SQLSTATE for a table that does not exist. */
export const UNDEFINED_TABLE = '42P01';
/** PostgreSQL's SQLSTATE for a schema that does not exist. */
export const INVALID_SCHEMA_NAME = '3F000';

/** A migration did not apply; the schema is left as it was before that migration. */
export function migrationFailed(
  error: unknown,
  redact: (text: string) => string = (text) => text,
): SwitchboardError {
  return new SwitchboardError(
    'database_migration_failed',
    `Could not bring the database schema up to date: ${redact(reasonOf(error))}. Fix the cause, then run \`switchboard migrate\`.`,
    { cause: error },
  );
}

/** The task with `id` does not exist. */
export function taskNotFound(id: string, cause?: unknown): SwitchboardError {
  return new SwitchboardError('task_not_found', `There is no task with id ${id}.`, { cause });
}

/** The conversation `key` does not exist (it must be ensured before it is written to). */
export function conversationNotFound(key: string, cause?: unknown): SwitchboardError {
  return new SwitchboardError(
    'conversation_not_found',
    `There is no conversation ${key}; call ensureConversation first.`,
    { cause },
  );
}
