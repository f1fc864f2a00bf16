import type { Config, InboundEvent } from '@switchboard/core';

/** What an author may do: `owner` has every right, `member` may use the agent. */
export type Role = 'owner' | 'member';

/** The outcome of {@link AccessPolicy.authorize}. */
export type AccessDecision =
  | { readonly allowed: true; readonly identity: string; readonly role: Role }
  | { readonly allowed: false; readonly identity: string };

/** Decides who may command the box. Pure: reads configuration only, never the database. */
export interface AccessPolicy {
  authorize(event: InboundEvent): AccessDecision;
}

/**
 * The policy from `SWITCHBOARD_OWNER` and the per-platform allowlists. The built-in web chat and the
 * terminal are the owner: their adapter admits only loopback callers or holders of the API token.
 * Everyone else is refused unless listed.
 */
export function createAccessPolicy(access: Config['access']): AccessPolicy {
  const owners = new Set(access.owners);
  return {
    authorize(event) {
      const { platform } = event.conversation;
      const identity = `${platform}:${event.author.platformUserId}`;
      if (platform === 'web' || owners.has(identity)) return { allowed: true, identity, role: 'owner' };
      const allow = access.allow[platform];
      const listed =
        allow.users.includes(event.author.platformUserId) ||
        allow.chats.includes(event.conversation.channel) ||
        (event.author.roles ?? []).some((role) => allow.roles.includes(role));
      return listed ? { allowed: true, identity, role: 'member' } : { allowed: false, identity };
    },
  };
}

/** The one polite sentence a stranger gets. It reveals nothing about the box. */
export const REFUSAL =
  'Sorry, I only answer people my owner has allowed. If you think you should have access, ask the owner of this box to add you.';
