import type { z } from 'zod';

/**
 * How much harm a tool can do, which decides whether it needs approval: `read` looks at things,
 * `write` changes the workspace, `dangerous` can do anything the sandbox allows (the shell).
 */
export type RiskTier = 'read' | 'write' | 'dangerous';

/** What a running tool gets besides its input. */
export interface ToolContext {
  /** Aborted when the task is cancelled or a guard trips; a tool stops its work when it fires. */
  readonly signal: AbortSignal;
  /** The absolute path of the workspace folder, the only place tools may read and write. */
  readonly workspace: string;
  readonly taskId: string;
  /** The step of the task this call is, from 1: with `taskId` the idempotency key of a side effect. */
  readonly step: number;
}

/** What a tool call produced: text for the model, and whether the call failed. */
export interface ToolOutput {
  readonly text: string;
  /** True when the call failed; the text says why, in words the model can act on. */
  readonly isError?: boolean;
}

/** What a tool defined outside the box looks like now: what the owner approves, pinned by its hash. */
export interface LiveDefinition {
  /** SHA-256 of the registry name, the description and the input schema (canonical JSON). */
  readonly hash: string;
  readonly description: string;
  /** The input's JSON schema. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/**
 * A tool whose definition lives elsewhere (an MCP server) and may change under the box: it is pinned
 * to the definition the owner approved, and is off while its live definition differs.
 */
export interface ExternalDefinition {
  /** Where it comes from, for messages: `MCP server "files"`. */
  readonly source: string;
  /** Ask the source for the tool's definition now; `undefined` when it no longer offers the tool. */
  current(): Promise<LiveDefinition | undefined>;
}

/** One tool the model may call. */
export interface Tool<Input = unknown> {
  /** `snake_case`, unique in a registry; the name the model calls it by. */
  readonly name: string;
  /** What it does, for the model. */
  readonly description: string;
  /** The input; its JSON schema is what the model sees, and every call is parsed with it. */
  readonly input: z.ZodType<Input>;
  /** The input's JSON schema for the model, for tools that bring their own (MCP); default: from `input`. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** Present on tools defined outside the box: their live definition, pinned when approved. */
  readonly external?: ExternalDefinition;
  readonly risk: RiskTier;
  /** One line a human approves: the exact command or URL. */
  summarize(input: Input): string;
  /** Do it. Throwing is a failed call (its message goes to the model); aborting `signal` stops it. */
  run(input: Input, context: ToolContext): Promise<ToolOutput>;
}

/** Any tool, whatever its input type. */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds tools of every input type; each parses its own.
export type AnyTool = Tool<any>;

/** Build a tool with its input type inferred from the schema. */
export function defineTool<Schema extends z.ZodType>(
  tool: Tool<z.infer<Schema>> & { input: Schema },
): Tool<z.infer<Schema>> {
  return tool;
}
