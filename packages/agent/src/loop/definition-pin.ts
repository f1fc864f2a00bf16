import type { ApprovalStore, TaskStore, ToolPinStore } from '@switchboard/memory';
import type { AnyTool, LiveDefinition, ToolRole } from '@switchboard/tools';
import type { ReplyChannel } from '../replies';
import type { ToolServices } from '../tools/tool-services';
import { askApproval } from './approval-gate';

/** Who decides a re-approval when the asker is not an owner: nobody's identity, so an owner or an admin. */
export const OWNERS_ONLY = 'owners-only';

/** What checking a tool's pinned definition found: run (pinning `pin` once the call is allowed), or not. */
export type PinCheck =
  | { readonly kind: 'current'; readonly pin?: LiveDefinition }
  | { readonly kind: 'off'; readonly text: string };

/** What the check needs, for one task. */
export interface PinContext {
  readonly tools: ToolServices;
  readonly store: ApprovalStore & TaskStore & ToolPinStore;
  readonly reply: ReplyChannel;
  readonly task: { readonly id: string; readonly conversationKey: string; readonly authorId: string };
  readonly role: ToolRole;
  readonly now: () => number;
  readonly signal: AbortSignal;
}

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * For a tool defined outside the box (MCP): ask its source for the live definition and compare it
 * with the pinned one. Never approved: it may run, and is pinned once the call is allowed. The same:
 * it may run. Changed: it is off; the owner is asked to approve the new definition (an approval bound
 * to its hash, shown with the new description) and, once approved, it is re-pinned and may run.
 */
export async function checkDefinitionPin(
  context: PinContext,
  tool: AnyTool,
  step: number,
): Promise<PinCheck> {
  const { external } = tool;
  if (external === undefined) return { kind: 'current' };
  const { store, task } = context;
  let live: LiveDefinition | undefined;
  try {
    live = await external.current();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      kind: 'off',
      text: `${tool.name} is unavailable: ${external.source} did not answer (${reason}).`,
    };
  }
  if (live === undefined) return { kind: 'off', text: `${external.source} no longer offers ${tool.name}.` };
  const pin = await store.toolPin(tool.name);
  if (pin === undefined) return { kind: 'current', pin: live };
  if (pin.definitionHash === live.hash) return { kind: 'current' };
  await store.appendTaskEvent(task.id, 'tool-changed', {
    step,
    tool: tool.name,
    pinned: pin.definitionHash,
    live: live.hash,
  });
  const outcome = await askApproval({
    store,
    waiters: context.tools.waiters,
    reply: context.reply,
    task,
    requester: context.role === 'owner' ? task.authorId : OWNERS_ONLY,
    toolName: tool.name,
    risk: 'dangerous',
    input: { definition: live.hash },
    summary:
      `changed since it was approved (${external.source}) and is off until its new definition is approved. ` +
      `New description: "${shorten(live.description, 300)}"; new input schema: ${shorten(JSON.stringify(live.parameters), 300)}`,
    step,
    ttlMs: context.tools.approvalTtlMs,
    now: context.now,
    signal: context.signal,
  });
  if (outcome.kind !== 'approved')
    return {
      kind: 'off',
      text: `${tool.name} changed since it was approved and stays off until the owner approves its new definition; it did not run.`,
    };
  await store.pinTool({
    toolName: tool.name,
    definitionHash: live.hash,
    definition: { description: live.description, parameters: live.parameters },
  });
  return { kind: 'current' };
}
