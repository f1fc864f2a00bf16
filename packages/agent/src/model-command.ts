import { conversationKey } from '@switchboard/core';
import type { CommandHandler } from './commands';
import type { RequestContext } from './context';

const say = (context: RequestContext, text: string) =>
  context.reply.send({ type: 'reply-end', text, meta: {} });

const TIERS: Readonly<Record<string, string>> = {
  local: 'the local model',
  cloud: 'the cloud model for hard work',
};

/**
 * `/model`: show the conversation's model setting; `/model <name>` pins a model (any name `resolve`
 * knows); `/model local` or `/model cloud` prefers a tier (the router still falls back within it);
 * `/model auto` returns to rules and automatic routing.
 */
export const modelCommand: CommandHandler = async (context) => {
  const { store, models: registry } = context.deps;
  const key = conversationKey(context.event.conversation);
  const wanted = context.args.trim();
  const conversation = await store.ensureConversation(context.event.conversation);
  if (wanted === '') {
    const setting = conversation.pinnedModel;
    const text =
      setting === undefined
        ? `This conversation is routed automatically (default ${registry.defaultRef ?? 'none'}). Use /model <name>, /model local or /model cloud to choose.`
        : TIERS[setting]
          ? `This conversation prefers ${TIERS[setting]}. Use /model auto for automatic routing.`
          : `This conversation is pinned to ${setting}. Use /model auto for automatic routing.`;
    return say(context, text);
  }
  const lower = wanted.toLowerCase();
  if (lower === 'auto' || lower === 'default') {
    await store.setPinnedModel(key, undefined);
    return say(context, 'Unpinned: this conversation is routed automatically again.');
  }
  if (TIERS[lower]) {
    await store.setPinnedModel(key, lower);
    return say(
      context,
      `This conversation now prefers ${TIERS[lower]} (${registry.resolve(lower) ?? 'none configured yet'}).`,
    );
  }
  const ref = registry.resolve(wanted);
  if (ref === undefined) {
    const known =
      registry
        .list()
        .map((m) => m.ref)
        .join(', ') || 'none';
    return context.reply.send({
      type: 'error',
      code: 'unknown_model',
      message: `There is no model called ${wanted}. Configured models: ${known}.`,
    });
  }
  await store.setPinnedModel(key, ref);
  return say(context, `This conversation now uses ${ref}.`);
};
