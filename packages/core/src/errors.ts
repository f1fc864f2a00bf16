/**
 * The base of every error Switchboard raises on purpose. `code` is stable (tests and logs match on it);
 * `message` is a sentence a user or operator can act on.
 */
export class SwitchboardError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SwitchboardError';
    this.code = code;
  }

  /** True for any SwitchboardError, also one from another copy of this package. */
  static isInstance(value: unknown): value is SwitchboardError {
    return value instanceof Error && typeof (value as { code?: unknown }).code === 'string';
  }
}

/** One problem found in the configuration. */
export interface ConfigIssue {
  /** The environment variable (or config-file key) at fault. */
  readonly variable: string;
  readonly message: string;
}

/** The configuration is wrong; lists every problem at once. */
export class ConfigError extends SwitchboardError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super('config_invalid', ConfigError.explain(issues));
    this.name = 'ConfigError';
    this.issues = issues;
  }

  static override isInstance(value: unknown): value is ConfigError {
    return SwitchboardError.isInstance(value) && value.code === 'config_invalid';
  }

  /** One paragraph naming each variable and what was expected. */
  static explain(issues: readonly ConfigIssue[]): string {
    const lines = issues.map((issue) => `  - ${issue.variable}: ${issue.message}`);
    const noun = issues.length === 1 ? 'problem' : 'problems';
    return `Switchboard cannot start: the configuration has ${issues.length} ${noun}.\n${lines.join('\n')}\nFix these in your environment, .env or switchboard.config.json, then start again.`;
  }
}

/** A chat platform refused or failed a call. `retryAfterMs` is set for rate limits. */
export class PlatformError extends SwitchboardError {
  readonly method: string;
  readonly retryAfterMs: number | undefined;
  /** False when repeating the same call cannot succeed (message gone, text invalid). */
  readonly retryable: boolean;

  constructor(options: {
    code: string;
    message: string;
    method: string;
    retryAfterMs?: number;
    retryable?: boolean;
    cause?: unknown;
  }) {
    super(options.code, options.message, { cause: options.cause });
    this.name = 'PlatformError';
    this.method = options.method;
    this.retryAfterMs = options.retryAfterMs;
    this.retryable = options.retryable ?? options.retryAfterMs !== undefined;
  }

  static override isInstance(value: unknown): value is PlatformError {
    return SwitchboardError.isInstance(value) && typeof (value as { method?: unknown }).method === 'string';
  }
}

/** A model provider failed. `retryable` tells the router whether another attempt may succeed. */
export class ModelError extends SwitchboardError {
  readonly provider: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(options: {
    code: string;
    message: string;
    provider: string;
    status?: number;
    retryable: boolean;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    super(options.code, options.message, { cause: options.cause });
    this.name = 'ModelError';
    this.provider = options.provider;
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }

  static override isInstance(value: unknown): value is ModelError {
    return (
      SwitchboardError.isInstance(value) && typeof (value as { provider?: unknown }).provider === 'string'
    );
  }
}

/** The bus queue is full; the user is asked to try again. */
export class BusyError extends SwitchboardError {
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number) {
    super(
      'busy',
      `The box is busy right now. Please try again in ${Math.ceil(retryAfterMs / 1000)} seconds.`,
    );
    this.name = 'BusyError';
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * The bus was closed: nothing more can be enqueued. The caller should let the platform retry later.
 * Every {@link Bus} implementation rejects `enqueue` with it after `close()` (ADR 0008).
 */
export class BusClosedError extends SwitchboardError {
  constructor() {
    super(
      'bus_closed',
      'The message bus is shut down, so the event was not queued. It can be sent again once the box is back.',
    );
    this.name = 'BusClosedError';
  }

  static override isInstance(value: unknown): value is BusClosedError {
    return SwitchboardError.isInstance(value) && value.code === 'bus_closed';
  }
}

/** A message for logs and users that never includes a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The longest error description logs get above debug level. */
const BRIEF_LENGTH = 240;

/**
 * {@link describeError} fit for logs above debug level: never the text of a message. A database error
 * quotes the query and its parameters (a user's question, a model's answer), so only its first line is
 * kept, without drizzle's `Failed query:` and everything from `params:` on; the rest is capped.
 */
export function describeErrorBriefly(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  let message = describeError(error);
  if (message.startsWith('Failed query:')) {
    const cause = (error as { cause?: unknown }).cause;
    message = cause === undefined ? 'a database query failed' : describeError(cause);
  }
  const firstLine = (message.split('\n')[0] ?? '').split('params:')[0] ?? '';
  const brief = firstLine.length > BRIEF_LENGTH ? `${firstLine.slice(0, BRIEF_LENGTH)}…` : firstLine;
  return typeof code === 'string' && code.length > 0 && !brief.includes(code) ? `${brief} (${code})` : brief;
}
