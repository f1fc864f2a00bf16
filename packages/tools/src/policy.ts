import type { RiskTier } from './tool';

/** What may happen with one tool call, decided in code before it runs (never by the model). */
export type PolicyDecision =
  | { readonly kind: 'allow'; readonly reason: string }
  | { readonly kind: 'ask'; readonly reason: string }
  | { readonly kind: 'deny'; readonly reason: string };

/** Who is asking, in the agent's terms: `owner` has every right, `member` may use the agent. */
export type ToolRole = 'owner' | 'member';

/** What a role gets for each risk tier, before any conversation setting. */
export type TierRules = { readonly [Tier in RiskTier]: PolicyDecision['kind'] };

/** The per-role rules and the per-conversation settings the policy decides with. */
export interface ToolPolicySettings {
  readonly roles: { readonly [Role in ToolRole]: TierRules };
}

/** What the policy is asked about one call. */
export interface PolicyQuestion {
  readonly tool: { readonly name: string; readonly risk: RiskTier };
  readonly role: ToolRole;
  /** Tools the conversation turned off altogether. */
  readonly disabled?: ReadonlySet<string>;
  /** `write` tools someone allowed for the whole conversation ("allow for this conversation"). */
  readonly granted?: ReadonlySet<string>;
}

/**
 * The defaults: reads run, writes and the shell ask the owner, members may read, write after approval,
 * and never reach a `dangerous` tool.
 */
export const DEFAULT_TOOL_POLICY: ToolPolicySettings = {
  roles: {
    owner: { read: 'allow', write: 'ask', dangerous: 'ask' },
    member: { read: 'allow', write: 'ask', dangerous: 'deny' },
  },
};

/**
 * Decide one call: a tool the conversation disabled is denied; the role's rule for the tier applies;
 * a `write` tool granted for the conversation runs without asking (never a `dangerous` one: each shell
 * command is approved on its own).
 */
export function decideToolCall(
  question: PolicyQuestion,
  settings: ToolPolicySettings = DEFAULT_TOOL_POLICY,
): PolicyDecision {
  const { tool, role } = question;
  if (question.disabled?.has(tool.name))
    return { kind: 'deny', reason: `${tool.name} is turned off in this conversation` };
  const rule = settings.roles[role][tool.risk];
  if (rule === 'ask' && tool.risk === 'write' && question.granted?.has(tool.name))
    return { kind: 'allow', reason: `${tool.name} was allowed for this conversation` };
  if (rule === 'deny')
    return { kind: 'deny', reason: `a ${role} may not use ${tool.risk} tools like ${tool.name}` };
  if (rule === 'ask') return { kind: 'ask', reason: `${tool.name} is a ${tool.risk} tool` };
  return { kind: 'allow', reason: `${tool.name} is a ${tool.risk} tool` };
}
