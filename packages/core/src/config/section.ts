import type { z } from 'zod';
import type { ConfigIssue } from '../errors';

/** Raw validated values of every variable, by name. */
export type RawValues = Readonly<Record<string, unknown>>;

/**
 * One part of the configuration (the box, models, a platform): its variables, the checks that span
 * several of them, and how its typed settings are built. Sections keep each platform's settings in its
 * own file.
 */
export interface ConfigSection<Settings> {
  readonly variables: Readonly<Record<string, z.ZodType>>;
  /** Problems that involve several variables (a webhook URL without its secret, say). */
  check?(values: RawValues): ConfigIssue[];
  build(values: RawValues): Settings;
}

/** Read a validated value by variable name, typed by the caller. */
export function value<T>(values: RawValues, name: string): T {
  return values[name] as T;
}
