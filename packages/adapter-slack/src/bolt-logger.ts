import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '@switchboard/core';

/** One log part as text; never throws (a Slack body may carry keys such as `toString` that break `String`). */
function partText(part: unknown): string {
  if (part instanceof Error) return part.message;
  if (typeof part === 'string') return part;
  try {
    return String(part);
  } catch {
    return Object.prototype.toString.call(part);
  }
}

function text(parts: readonly unknown[]): string {
  return parts.map(partText).join(' ');
}

/**
 * Bolt's, the WebClient's and Socket Mode's logs into the box's pino logger, one level quieter for
 * debug and info (Bolt's debug lines hold request bodies: they only appear at `trace`).
 */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'slack' });
  let level: LogLevel = child.isLevelEnabled('trace') ? LogLevel.DEBUG : LogLevel.INFO;
  return {
    debug: (...parts: unknown[]) => child.trace(text(parts)),
    info: (...parts: unknown[]) => child.debug(text(parts)),
    warn: (...parts: unknown[]) => child.warn(text(parts)),
    error: (...parts: unknown[]) => child.error(text(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
