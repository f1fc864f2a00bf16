import { randomUUID } from 'node:crypto';
import type { ToolCall } from '@switchboard/core';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';

type ToolCallDelta = ChatCompletionChunk.Choice.Delta.ToolCall;

interface Pending {
  id: string;
  name: string;
  arguments: string;
}

/** What the accumulated tool calls turned out to be once the stream ended. */
export type ToolCallsResult =
  | { readonly ok: true; readonly calls: readonly ToolCall[] }
  | { readonly ok: false; readonly name: string };

/**
 * Collects streamed tool-call deltas by `index`: the first delta of a call carries its id and name, the
 * following ones pieces of the JSON arguments.
 */
export class ToolCallAccumulator {
  readonly #calls = new Map<number, Pending>();

  add(deltas: readonly ToolCallDelta[]): void {
    for (const delta of deltas) {
      let call = this.#calls.get(delta.index);
      if (!call) {
        call = { id: '', name: '', arguments: '' };
        this.#calls.set(delta.index, call);
      }
      if (delta.id && call.id === '') call.id = delta.id;
      if (delta.function?.name && call.name === '') call.name = delta.function.name;
      if (delta.function?.arguments) call.arguments += delta.function.arguments;
    }
  }

  get size(): number {
    return this.#calls.size;
  }

  /** The calls in index order with parsed arguments, or the name of the first call whose arguments are not JSON. */
  finish(): ToolCallsResult {
    const calls: ToolCall[] = [];
    for (const [, pending] of [...this.#calls].sort(([a], [b]) => a - b)) {
      let parsed: unknown;
      try {
        parsed = pending.arguments.trim() === '' ? {} : JSON.parse(pending.arguments);
      } catch {
        return { ok: false, name: pending.name };
      }
      calls.push({ id: pending.id || `call_${randomUUID()}`, name: pending.name, arguments: parsed });
    }
    return { ok: true, calls };
  }
}
