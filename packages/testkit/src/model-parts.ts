import type { ModelError, ModelPart } from '@switchboard/core';

/** Every part of a model stream, in order (a stream that throws fails the caller). */
export async function collectParts(parts: AsyncIterable<ModelPart>): Promise<ModelPart[]> {
  const collected: ModelPart[] = [];
  for await (const part of parts) collected.push(part);
  return collected;
}

/** The text deltas of a stream, one string each. */
export function textDeltas(parts: readonly ModelPart[]): string[] {
  return parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));
}

/**
 * The error that ends a stream; throws unless the stream ends with exactly one `error` part and has no
 * `finish` part (the contract of every model).
 */
export function finalError(parts: readonly ModelPart[]): ModelError {
  const last = parts.at(-1);
  const endings = parts.filter((part) => part.type === 'error' || part.type === 'finish');
  if (last?.type !== 'error' || endings.length !== 1) {
    throw new Error(`expected one error part, last, and no finish; got ${JSON.stringify(parts)}`);
  }
  return last.error;
}
