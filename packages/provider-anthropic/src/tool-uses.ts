import type { ToolCall } from '@switchboard/core';

interface Pending {
  readonly id: string;
  readonly name: string;
  json: string;
}

/** What the collected tool calls turned out to be once the stream ended. */
export type ToolUsesResult =
  | { readonly ok: true; readonly calls: readonly ToolCall[] }
  | { readonly ok: false; readonly name: string };

/**
 * Collects streamed `tool_use` blocks by their content-block index: `content_block_start` names the
 * tool, the `input_json_delta`s that follow carry pieces of its JSON input.
 */
export class ToolUseAccumulator {
  readonly #uses = new Map<number, Pending>();

  start(index: number, id: string, name: string): void {
    this.#uses.set(index, { id, name, json: '' });
  }

  /** Add a piece of input; pieces for a block that is not a tool use are ignored. */
  append(index: number, partialJson: string): void {
    const use = this.#uses.get(index);
    if (use) use.json += partialJson;
  }

  /** The calls in block order with parsed input, or the name of the first tool whose input is not JSON. */
  finish(): ToolUsesResult {
    const calls: ToolCall[] = [];
    for (const [, use] of [...this.#uses].sort(([a], [b]) => a - b)) {
      let input: unknown;
      try {
        input = use.json.trim() === '' ? {} : JSON.parse(use.json);
      } catch {
        return { ok: false, name: use.name };
      }
      calls.push({ id: use.id, name: use.name, arguments: input });
    }
    return { ok: true, calls };
  }
}
