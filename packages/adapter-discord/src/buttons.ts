import type { CustomIds } from './custom-id';
import { decisionLine, MAX_LENGTH, truncate } from './format';
import type { DiscordInteraction } from './parse';

type Press = Extract<DiscordInteraction, { kind: 'button' }>;

const ADMINISTRATOR = 1n << 3n;

/** What to do with a button press. */
export type PressVerdict =
  /** Update the message in place with `content` (buttons removed), then hand the action on. */
  | {
      readonly kind: 'decide';
      readonly content: string;
      readonly action: { readonly id: string; readonly value: string };
    }
  /** Answer only the presser, privately. */
  | { readonly kind: 'refuse'; readonly message: string };

/**
 * Decide a button press. Only the person whose request asked for the decision, a box owner, or a member
 * with the Administrator permission in that server may decide; others get a private refusal.
 */
export function judgePress(press: Press, customIds: CustomIds, owners: ReadonlySet<string>): PressVerdict {
  const payload = customIds.decode(press.customId);
  if (payload === undefined) return { kind: 'refuse', message: 'This button is no longer active.' };
  const presser = press.user.id;
  const admin = press.permissions !== undefined && (press.permissions & ADMINISTRATOR) === ADMINISTRATOR;
  if (presser !== payload.requesterId && !owners.has(presser) && !admin) {
    return { kind: 'refuse', message: `Only <@${payload.requesterId}> or a server admin can decide this.` };
  }
  const line = decisionLine(payload.value, press.user.displayName);
  const kept = truncate(press.message.content, MAX_LENGTH - line.length - 2);
  return { kind: 'decide', content: `${kept}\n\n${line}`, action: { id: payload.id, value: payload.value } };
}
