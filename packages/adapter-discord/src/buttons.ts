import { decodeApprovalAction } from '@switchboard/core';
import type { CustomIds } from './custom-id';
import { decisionLine, MAX_LENGTH, truncate } from './format';
import type { DiscordInteraction } from './parse';

type Press = Extract<DiscordInteraction, { kind: 'button' }>;

const ADMINISTRATOR = 1n << 3n;

/** What the adapter does with a button press. It never decides who may press: the agent does. */
export type PressReading =
  /** Acknowledge it (the message stays as it is for now) and hand the action on to the agent. */
  | {
      readonly kind: 'pass';
      readonly action: { readonly id: string; readonly value: string; readonly requestedBy: string };
      /** Whether the presser has the Administrator permission in this server. */
      readonly admin: boolean;
      /** The message's content once the agent accepts the press: the decision line under it. */
      readonly decided: string;
    }
  /** A button this box did not make, or forgot (a restart): tell only the presser. */
  | { readonly kind: 'unknown'; readonly message: string };

/**
 * Read a button press: the core button behind its `custom_id`, whose request showed it, whether the
 * presser administers the server, and how the message reads once the press is accepted.
 */
export function readPress(press: Press, customIds: CustomIds): PressReading {
  const payload = customIds.decode(press.customId);
  if (payload === undefined) return { kind: 'unknown', message: 'This button is no longer active.' };
  const admin = press.permissions !== undefined && (press.permissions & ADMINISTRATOR) === ADMINISTRATOR;
  const choice = decodeApprovalAction(payload)?.choice ?? payload.value;
  const line = decisionLine(choice, press.user.displayName);
  const kept = truncate(press.message.content, MAX_LENGTH - line.length - 2);
  return {
    kind: 'pass',
    action: { id: payload.id, value: payload.value, requestedBy: payload.requesterId },
    admin,
    decided: `${kept}\n\n${line}`,
  };
}
