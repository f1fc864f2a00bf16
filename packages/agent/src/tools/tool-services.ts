import { type AnyTool, type ToolPolicySettings, ToolRegistry } from '@switchboard/tools';
import type { GuardLimits } from '../loop/guards';
import { ApprovalWaiters } from './approval-waiters';

/** What the agent needs to offer tools: the registry, where they work, and the rules around them. */
export interface ToolDependencies {
  readonly registry: ToolRegistry;
  /** The real path of the workspace folder (from `ensureWorkspace`). */
  readonly workspace: string;
  /** How long an approval request stays open. */
  readonly approvalTtlMs: number;
  /** Per-role rules; default `DEFAULT_TOOL_POLICY`. */
  readonly policy?: ToolPolicySettings;
  /** The tool loop's guards; default `DEFAULT_GUARD_LIMITS`. */
  readonly guards?: Partial<GuardLimits>;
  /** The tighter guards of a schedule's run; default `DEFAULT_SCHEDULE_GUARD_LIMITS`. */
  readonly scheduleGuards?: Partial<GuardLimits>;
  /** Offer the agent's own tools too (`schedule`, `task_status`); default off. */
  readonly agentTools?: boolean;
  /** Offer the memory tools (`remember`, `recall`); default on. */
  readonly memoryTools?: boolean;
}

/** The tool parts of the agent's services. */
export interface ToolServices extends ToolDependencies {
  /** Tasks on this worker waiting for a decision. */
  readonly waiters: ApprovalWaiters;
}

/**
 * Build the tool services; `undefined` (no tools offered) without a registry or with an empty one. The
 * agent's own tools (`remember`, `recall`, and `schedule`, `task_status` where `agentTools` is on) join the
 * given ones, unless the registry already holds a tool of that name.
 */
export function createToolServices(
  deps: ToolDependencies | undefined,
  own: readonly AnyTool[] = [],
): ToolServices | undefined {
  if (deps === undefined || deps.registry.size === 0) return undefined;
  const added = own.filter((tool) => deps.registry.get(tool.name) === undefined);
  const registry = added.length > 0 ? new ToolRegistry([...deps.registry.list(), ...added]) : deps.registry;
  return { ...deps, registry, waiters: new ApprovalWaiters() };
}

/** The text a tool result is cut to before the model reads it. */
export const MAX_TOOL_RESULT_CHARACTERS = 16_000;

/** A tool's text for the model, cut to {@link MAX_TOOL_RESULT_CHARACTERS}. */
export function forModel(text: string): string {
  if (text.length <= MAX_TOOL_RESULT_CHARACTERS) return text;
  return `${text.slice(0, MAX_TOOL_RESULT_CHARACTERS)}\n[cut: ${text.length} characters, the first ${MAX_TOOL_RESULT_CHARACTERS} shown]`;
}

/** The tool of a name, for tests and the approval summary. */
export type { AnyTool };
