import { randomBytes } from 'node:crypto';
import { ALLOW_CONVERSATION, type ApprovalStore, type TaskStore } from '@switchboard/memory';
import { type RiskTier, toolCallHash } from '@switchboard/tools';
import type { ReplyChannel } from '../replies';
import type { ApprovalWaiters } from '../tools/approval-waiters';

/** The choices of a tool approval; `write` tools may also be allowed for the whole conversation. */
export function approvalChoices(risk: RiskTier): string[] {
  return risk === 'write' ? ['approve', ALLOW_CONVERSATION, 'deny'] : ['approve', 'deny'];
}

/** How asking ended: approved (run exactly these arguments), denied, or nobody decided in time. */
export type GateOutcome =
  | { readonly kind: 'approved'; readonly by: string }
  | { readonly kind: 'denied'; readonly by: string }
  | { readonly kind: 'expired' };

/** One call that needs a human decision. */
export interface GateRequest {
  readonly store: ApprovalStore & TaskStore;
  readonly waiters: ApprovalWaiters;
  readonly reply: ReplyChannel;
  readonly task: { readonly id: string; readonly conversationKey: string; readonly authorId: string };
  /** Who may decide besides owners and admins; default the task's author. */
  readonly requester?: string;
  readonly toolName: string;
  readonly risk: RiskTier;
  /** The parsed arguments the tool will run with if approved. */
  readonly input: unknown;
  /** The exact command or URL. */
  readonly summary: string;
  readonly step: number;
  readonly ttlMs: number;
  readonly now: () => number;
  readonly signal: AbortSignal;
}

/**
 * Ask for approval of one exact call and wait for the decision: the approval is stored bound to the
 * tool name and the hash of the arguments, an `approval-request` part goes to the user, and the task
 * waits until a decision is recorded, the approval expires, or the task is cancelled (rejects). Only
 * a stored `approved` whose tool and hash match these arguments approves; anything else does not.
 */
export async function askApproval(request: GateRequest): Promise<GateOutcome> {
  const { store, task, toolName, input, step, now } = request;
  // Short: Telegram's callback data (`approval:<id>:<choice>`) holds at most 64 bytes.
  const id = `ap_${randomBytes(12).toString('base64url')}`;
  const argumentsHash = toolCallHash(toolName, input);
  const expiresAt = new Date(now() + request.ttlMs);
  const choices = approvalChoices(request.risk);
  await store.createApproval({
    id,
    taskId: task.id,
    conversationKey: task.conversationKey,
    requester: request.requester ?? task.authorId,
    toolName,
    argumentsHash,
    arguments: input,
    summary: request.summary,
    choices,
    expiresAt,
  });
  await store.appendTaskEvent(task.id, 'approval-requested', {
    approvalId: id,
    step,
    tool: toolName,
    summary: request.summary,
    argumentsHash,
    expiresAt: expiresAt.toISOString(),
  });
  const decided = request.waiters.wait(id, request.ttlMs, request.signal);
  decided.catch(() => {});
  const minutes = Math.max(1, Math.round(request.ttlMs / 60_000));
  await request.reply.send({
    type: 'approval-request',
    approvalId: id,
    summary: `${toolName}: ${request.summary} (expires in ${minutes} min)`,
    choices,
  });
  await store.setWaiting(task.id, true);
  const waited = await decided.finally(() => store.setWaiting(task.id, false).catch(() => {}));
  if (waited === 'expired') await store.expireApproval(id, new Date(now()));
  const record = await store.getApproval(id);
  let outcome: GateOutcome = { kind: 'expired' };
  if (record?.status === 'approved' || record?.status === 'denied') {
    const bound = record.toolName === toolName && record.argumentsHash === argumentsHash;
    const by = record.decidedBy ?? 'someone';
    outcome = record.status === 'approved' && bound ? { kind: 'approved', by } : { kind: 'denied', by };
  } else if (record?.status === 'pending') {
    await store.expireApproval(id, new Date(now()));
  }
  await store.appendTaskEvent(task.id, 'approval-decided', {
    approvalId: id,
    step,
    outcome: outcome.kind,
    ...(outcome.kind === 'expired' ? {} : { by: outcome.by }),
  });
  return outcome;
}
