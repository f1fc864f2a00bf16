import type { ChaosPlatform } from '../options';
import type { Observation } from '../outcomes';
import type { ChaosRequest } from '../requests';

/**
 * One platform as a user meets it: sends requests through the platform's fake (or the web API) and reads
 * back what the user would see. Knows nothing of the box beyond its URL.
 */
export interface PlatformClient {
  readonly platform: ChaosPlatform;
  /** Called before every start of the box. */
  beforeStart(): void;
  /** Resolves once the box, just started, can take requests on this platform. */
  ready(signal: AbortSignal): Promise<void>;
  /** Hand a request to the platform; does not wait for the answer. Sets `request.sentAt`. */
  send(request: ChaosRequest): void;
  /** What the user of `request` sees now. */
  observe(request: ChaosRequest): Observation;
  /** What happened to `request`, line by line, for the run's `requests.json` (texts shortened). */
  transcript(request: ChaosRequest): readonly string[];
  /** `Date.now()` of the last thing the box did on this platform. */
  lastActivity(): number;
  /** Figures that explain the table (retries, refusals), by name. */
  diagnostics(): Readonly<Record<string, number>>;
}

/** Count one more `name` in a diagnostics record. */
export function bump(counts: Record<string, number>, name: string, by = 1): void {
  counts[name] = (counts[name] ?? 0) + by;
}

/** A message for a transcript: its state and the start and end of its text. */
export function sketch(state: string, text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return `${state}: ${flat.length > 70 ? `${flat.slice(0, 30)} … ${flat.slice(-30)}` : flat}`;
}
