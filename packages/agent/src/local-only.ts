import { conversationKey, isLocalModelRef } from '@switchboard/core';
import type { RequestContext } from './context';

const say = (context: RequestContext, text: string) =>
  context.reply.send({ type: 'reply-end', text, meta: {} });

/**
 * `/local on|off`: the conversation's local-only policy. While it is on the router never sends the
 * conversation to a cloud model. `/local` alone shows the setting.
 */
export async function runLocalOnly(context: RequestContext): Promise<void> {
  const { store, models } = context.deps;
  const wanted = context.args.trim().toLowerCase();
  const conversation = await store.ensureConversation(context.event.conversation);
  if (wanted === '') {
    return say(
      context,
      conversation.localOnly
        ? 'Local only is on: this conversation is never sent to a cloud model. /local off allows cloud models again.'
        : 'Local only is off: cloud models may answer this conversation. /local on keeps it on this box.',
    );
  }
  if (wanted !== 'on' && wanted !== 'off') {
    return context.reply.send({
      type: 'error',
      code: 'invalid_argument',
      message: 'Use /local on, /local off, or /local alone to see the setting.',
    });
  }
  await store.setLocalOnly(conversationKey(context.event.conversation), wanted === 'on');
  if (wanted === 'off')
    return say(context, 'Local only is off: cloud models may answer this conversation again.');
  const local = models.list().filter((model) => model.locality === 'local');
  const notes = ['Local only is on: this conversation is never sent to a cloud model.'];
  if (local.length === 0)
    notes.push(
      'No local model is configured, so questions here cannot be answered until one is (see `switchboard doctor`).',
    );
  else notes.push(`Local models: ${local.map((model) => model.ref).join(', ')}.`);
  const pinned = conversation.pinnedModel;
  if (pinned !== undefined && !isLocalModelRef(pinned) && models.get(pinned)?.locality !== 'local')
    notes.push(`It is pinned to ${pinned}, a cloud model, which is not used while this is on.`);
  return say(context, notes.join(' '));
}
