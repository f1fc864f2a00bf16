import { conversationKey, isLocalModelRef } from '@switchboard/core';
import type { ModelRegistry } from '../model-registry';
import { type CommandHandler, say } from './context';

/**
 * `/local on|off`: the conversation's local-only policy. While it is on the router never sends the
 * conversation to a cloud model. `/local` alone shows the setting.
 */
export const localOnly: CommandHandler = async (context) => {
  const { store, models } = context.services;
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
  const pinned = conversation.pinnedModel;
  const pinnedToCloud =
    pinned !== undefined &&
    !isLocalModelRef(pinned) &&
    models.get(pinned)?.locality !== 'local' &&
    pinned !== 'local';
  if (wanted === 'off') {
    const again = pinnedToCloud ? ` Your /model ${pinned} preference applies again.` : '';
    return say(context, `Local only is off: cloud models may answer this conversation again.${again}`);
  }
  const kept = pinnedToCloud ? ` Your /model ${pinned} preference is kept but ignored until /local off.` : '';
  const answering = localAnswerer(models, pinned);
  if (answering === undefined)
    return say(
      context,
      `Local only is on, but no local model is configured, so questions here cannot be answered until one is (see \`switchboard doctor\`) or until /local off.${kept}`,
    );
  const cloud = pinnedToCloud ? '' : ', and no cloud model is used, not even as a fallback, until /local off';
  return say(
    context,
    `Local only is on. This conversation now stays on this machine: answers come from ${answering}${cloud}.${kept}`,
  );
};

/** The local model that answers a local-only conversation: the pinned one when it is local, else the local default. */
function localAnswerer(models: ModelRegistry, pinned: string | undefined): string | undefined {
  if (pinned !== undefined && models.get(pinned)?.locality === 'local') return pinned;
  return models.resolve('local');
}
