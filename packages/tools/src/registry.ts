import type { ToolCall, ToolSpec } from '@switchboard/core';
import { z } from 'zod';
import type { AnyTool } from './tool';

/** A model's tool call checked against the registry: the tool and its parsed input, or why not. */
export type ParsedCall =
  | { readonly ok: true; readonly tool: AnyTool; readonly input: unknown }
  | { readonly ok: false; readonly code: 'unknown_tool' | 'invalid_input'; readonly message: string };

/** The JSON schema of a tool's input as the model sees it. */
export function parametersOf(tool: AnyTool): Record<string, unknown> {
  if (tool.parameters !== undefined) return { ...tool.parameters };
  const { $schema: _, ...parameters } = z.toJSONSchema(tool.input, { io: 'input' }) as Record<
    string,
    unknown
  >;
  return parameters;
}

/** The tools the agent offers, by name. */
export class ToolRegistry {
  readonly #tools = new Map<string, AnyTool>();
  /** Each tool's spec, made once: converting a schema to JSON Schema costs more than a whole request's queries. */
  readonly #specs = new WeakMap<AnyTool, ToolSpec>();

  constructor(tools: readonly AnyTool[] = []) {
    for (const tool of tools) this.register(tool);
  }

  /** Add a tool; a second tool with the same name is a programming error. */
  register(tool: AnyTool): void {
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(tool.name))
      throw new Error(`tool names are snake_case of at most 64 characters, not "${tool.name}"`);
    if (this.#tools.has(tool.name)) throw new Error(`a tool named ${tool.name} is registered twice`);
    this.#tools.set(tool.name, tool);
  }

  get(name: string): AnyTool | undefined {
    return this.#tools.get(name);
  }

  get size(): number {
    return this.#tools.size;
  }

  list(): readonly AnyTool[] {
    return [...this.#tools.values()];
  }

  /**
   * The tools as the model sees them: name, description and the JSON schema of the input. Each spec is
   * made once and shared by every request (treat it as read-only).
   */
  specs(names?: ReadonlySet<string>): ToolSpec[] {
    return this.list()
      .filter((tool) => names === undefined || names.has(tool.name))
      .map((tool) => this.spec(tool));
  }

  /** One tool's spec as the model sees it, made once per tool (treat it as read-only). */
  spec(tool: AnyTool): ToolSpec {
    const made = this.#specs.get(tool);
    if (made !== undefined) return made;
    const spec: ToolSpec = { name: tool.name, description: tool.description, parameters: parametersOf(tool) };
    this.#specs.set(tool, spec);
    return spec;
  }

  /** Find the tool a call names and parse its arguments with the tool's schema. */
  parse(call: ToolCall): ParsedCall {
    const tool = this.#tools.get(call.name);
    if (tool === undefined) {
      const known = this.list()
        .map((each) => each.name)
        .join(', ');
      return {
        ok: false,
        code: 'unknown_tool',
        message: `There is no tool called ${call.name}. Tools: ${known}.`,
      };
    }
    const parsed = tool.input.safeParse(call.arguments);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`)
        .join('; ');
      return {
        ok: false,
        code: 'invalid_input',
        message: `The arguments of ${call.name} are invalid: ${problems}.`,
      };
    }
    return { ok: true, tool, input: parsed.data };
  }
}
