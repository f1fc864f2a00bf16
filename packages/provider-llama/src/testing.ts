import type { ModelCall, ModelPart } from '@switchboard/core';

/** Helpers for this package's tests (real model processes); not exported from the package. */

/** A part and the time it arrived. */
export interface TimedPart {
  readonly part: ModelPart;
  readonly at: number;
}

/** Every part of a stream with its arrival time; `onPart` may react (abort, kill) as parts arrive. */
export async function collectTimed(
  parts: AsyncIterable<ModelPart>,
  onPart?: (part: ModelPart, index: number) => void,
): Promise<TimedPart[]> {
  const collected: TimedPart[] = [];
  for await (const part of parts) {
    collected.push({ part, at: Date.now() });
    onPart?.(part, collected.length - 1);
  }
  return collected;
}

/** A user question with a token limit, greedy. */
export function ask(content: string, maxOutputTokens: number, extra: Partial<ModelCall> = {}): ModelCall {
  return { messages: [{ role: 'user', content }], maxOutputTokens, temperature: 0, ...extra };
}

/** True while a process with this id exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/** Wait until `check` holds, polling; throws after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
