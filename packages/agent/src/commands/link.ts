import { type CommandHandler, say } from './context';

/** How long a `/link` code works. */
export const LINK_CODE_TTL_MS = 10 * 60_000;

/**
 * `/link`: show a short code; `/link <code>` on another platform joins that identity to the person who
 * made it, so memories, settings, budgets and `/usage` follow them.
 */
export const link: CommandHandler = async (context) => {
  const { store } = context.services;
  const now = context.services.now();
  const code = context.args.trim();
  if (code.length === 0) {
    const personId = await store.personFor(context.identity);
    const made = await store.createLinkCode(personId, new Date(now + LINK_CODE_TTL_MS));
    return say(
      context,
      `Your link code is ${made}. Within 10 minutes, send /link ${made} to this box from your other app (Telegram, Slack, Discord, …) to make both one person: memories, settings and usage then follow you there.`,
    );
  }
  const result = await store.redeemLinkCode(code, context.identity, new Date(now));
  switch (result.status) {
    case 'invalid-code':
      return say(context, 'That code is unknown or expired. Send /link on your other app for a new one.');
    case 'already-linked':
      return say(context, 'This account is already linked to that person.');
    default: {
      const identities = await store.identitiesOf(result.personId);
      return say(
        context,
        `Linked. You are now one person across ${identities.join(', ')}. /unlink undoes it here.`,
      );
    }
  }
};

/** `/unlink`: this identity becomes a person of its own again; the memories stay with the others. */
export const unlink: CommandHandler = async (context) => {
  const undone = await context.services.store.unlinkIdentity(context.identity);
  return say(
    context,
    undone
      ? 'Unlinked: this account is on its own again. The memories stay with your other accounts.'
      : 'This account is not linked to another.',
  );
};
