import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths that never reach a log line: tokens, keys, secrets, message bodies. Message text is logged only
 * at `debug` or `trace`, which the operator turns on on purpose.
 */
export const REDACTED_PATHS = [
  '*.token',
  '*.apiKey',
  '*.secret',
  '*.password',
  '*.authorization',
  'headers.authorization',
  'config.http.apiToken',
  'config.models.openai.apiKey',
  '*.text',
  '*.delta',
  '*.content',
] as const;

/** A structured logger (pino) that redacts secrets. Pass `destination` to capture lines in tests. */
export function createLogger(options: {
  level: string;
  name?: string;
  destination?: { write(line: string): void };
}): Logger {
  const redactBodies = options.level !== 'debug' && options.level !== 'trace';
  const paths = redactBodies
    ? [...REDACTED_PATHS]
    : REDACTED_PATHS.filter((p) => !/text|delta|content/.test(p));
  const settings = {
    level: options.level,
    name: options.name ?? 'switchboard',
    redact: { paths, censor: '[redacted]' },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
