import { decodeApprovalAction, type InboundEvent } from '@switchboard/core';
import { ALLOW_CONVERSATION } from '@switchboard/memory';
import type { Role } from '../access';
import type { RequestContext } from '../pipeline/context';
import { decideForgetAll, isForgetAll } from './forget-all';

/** What someone else than the requester reads when they press an approval button. */
export const NOT_YOURS =
  'Only the person who asked for this, an owner of this box or an admin here can decide it.';

/**
 * Who may decide an approval: the person whose request made the tool call (`requester`, as
 * `platform:userId`), a box owner, or someone the platform calls an admin of the place.
 */
export function mayDecide(event: InboundEvent, identity: string, role: Role, requester: string): boolean {
  return requester === identity || role === 'owner' || event.author.admin === true;
}

/**
 * A press of an approval button (or `POST /api/approvals/{id}`): look the approval up, check that the
 * presser may decide and that the choice is one it offers, record the decision once (a second press,
 * or a press after it expired, decides nothing), then tell every worker (the task waiting for it may run
 * anywhere) and confirm who decided. Errors: `unknown_approval`, `not_your_approval`, `invalid_choice`,
 * `approval_closed`.
 */
export async function decideApproval(context: RequestContext): Promise<void> {
  const { event, reply, services, identity, role } = context;
  const decided = decodeApprovalAction(event.action);
  if (decided === undefined) {
    await reply.send({ type: 'error', code: 'unknown_action', message: 'That button is no longer active.' });
    return;
  }
  if (isForgetAll(decided)) return decideForgetAll(context, decided);
  const { approvalId, choice } = decided;
  const approval = await services.store.getApproval(approvalId);
  if (approval === undefined) {
    const message = 'There is no such approval request (it may belong to a task that is gone).';
    await reply.send({ type: 'error', code: 'unknown_approval', message });
    return;
  }
  if (!mayDecide(event, identity, role, approval.requester)) {
    context.log.info({ approvalId, identity }, 'refused an approval press');
    await reply.send({ type: 'error', code: 'not_your_approval', message: NOT_YOURS });
    return;
  }
  if (!approval.choices.includes(choice)) {
    const message = `"${choice}" is not a choice here; choose one of: ${approval.choices.join(', ')}.`;
    await reply.send({ type: 'error', code: 'invalid_choice', message });
    return;
  }
  const result = await services.store.decideApproval(approvalId, {
    choice,
    status: choice === 'approve' || choice === ALLOW_CONVERSATION ? 'approved' : 'denied',
    decidedBy: identity,
    at: new Date(services.now()),
  });
  if (result.status !== 'decided') {
    const state = result.status === 'closed' ? result.approval.status : 'gone';
    const message =
      state === 'expired'
        ? 'This approval request expired; nothing was run. Ask again if you still want it.'
        : `This approval request was already decided (${state}); a second press changes nothing.`;
    await reply.send({ type: 'error', code: 'approval_closed', message });
    return;
  }
  await services.bus.publishControl({ type: 'approval-decided', approvalId, choice, by: identity });
  await reply.send({ type: 'reply-end', text: `${choice} by ${event.author.displayName}`, meta: {} });
}
