import { conversationKey } from '@switchboard/core';
import type { ModelRegistry } from '../model-registry';
import { type CommandHandler, say } from './context';

const TIERS: Readonly<Record<string, string>> = {
  local: 'the local model',
  cloud: 'the cloud model for hard work',
};

/** `/models`: every configured model, the default marked. */
export const models: CommandHandler = (context) => {
  const registry = context.services.models;
  if (registry.isEmpty)
    return say(context, 'No models are configured. Run `switchboard doctor` to see how to add one.');
  const lines = registry
    .list()
    .map(
      (model) =>
        `${model.ref === registry.defaultRef ? '•' : '◦'} ${model.ref} (${model.locality})${model.ref === registry.defaultRef ? ' — default' : ''}`,
    );
  return say(
    context,
    ['Models:', ...lines, '', 'Pin one to this conversation with /model <name>.'].join('\n'),
  );
};

/** "Configured models: a, b." — the list every unknown-model error gives. */
export function configuredModelsSentence(registry: ModelRegistry): string {
  const refs = registry.list().map((model) => model.ref);
  return `Configured models: ${refs.join(', ') || 'none'}.`;
}

/**
 * `/model`: show the conversation's model setting; `/model <name>` pins a model (any name `resolve`
 * knows); `/model local` or `/model cloud` prefers a tier (the router still falls back within it);
 * `/model auto` returns to rules and automatic routing.
 */
export const model: CommandHandler = async (context) => {
  const { store, models: registry } = context.services;
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
    return context.reply.send({
      type: 'error',
      code: 'unknown_model',
      message: `There is no model called ${wanted}. ${configuredModelsSentence(registry)}`,
    });
  }
  await store.setPinnedModel(key, ref);
  return say(context, `This conversation now uses ${ref}.`);
};
