import type { ApprovalChoice } from '@switchboard/core';
import type { RequestContext } from '../pipeline/context';

/** Approval ids of `/forget all` confirmations start with this. */
export const FORGET_ALL_PREFIX = 'forget-all:';
/** How long the confirmation button works. */
export const FORGET_ALL_TTL_MS = 10 * 60_000;
const ERASE = 'erase';
const KEEP = 'keep';

/** `/forget all`: ask for a confirmation button; nothing is deleted yet. */
export async function forgetAllRequest(context: RequestContext): Promise<void> {
  const expires = context.services.now() + FORGET_ALL_TTL_MS;
  await context.reply.send({
    type: 'approval-request',
    approvalId: `${FORGET_ALL_PREFIX}${expires}:${context.identity}`,
    summary:
      'Erase everything this box keeps about you — every conversation turn, task, memory and linked identity on every platform? This cannot be undone. (/export first if you want a copy.)',
    choices: [ERASE, KEEP],
  });
  await context.reply.send({
    type: 'reply-end',
    text: 'Press erase within 10 minutes to delete all your data, or keep to cancel.',
    meta: {},
  });
}

/** Whether an approval press belongs to a `/forget all` confirmation. */
export const isForgetAll = (decided: ApprovalChoice): boolean =>
  decided.approvalId.startsWith(FORGET_ALL_PREFIX);

/**
 * The press of a `/forget all` button: only the person who asked may confirm, within 10 minutes; then
 * every row of theirs in every table is deleted.
 */
export async function decideForgetAll(context: RequestContext, decided: ApprovalChoice): Promise<void> {
  const rest = decided.approvalId.slice(FORGET_ALL_PREFIX.length);
  const separator = rest.indexOf(':');
  const expires = Number(rest.slice(0, separator));
  const requester = rest.slice(separator + 1);
  const say = (text: string) => context.reply.send({ type: 'reply-end', text, meta: {} });
  if (requester !== context.identity) {
    return context.reply.send({
      type: 'error',
      code: 'not_your_approval',
      message: 'Only the person who asked to erase their data can confirm it.',
    });
  }
  if (decided.choice !== ERASE) return say('Kept: nothing was deleted.');
  if (!Number.isFinite(expires) || context.services.now() > expires)
    return say('That confirmation expired; nothing was deleted. Send /forget all again.');
  const { store } = context.services;
  const personId = await store.personFor(context.identity);
  const counts = await store.forgetPerson(personId);
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  context.log.info({ tables: counts }, 'erased a person on request');
  return say(`Erased: ${total} records about you, on every platform. I start afresh from here.`);
}
