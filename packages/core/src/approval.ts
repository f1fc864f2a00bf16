import type { Button } from './adapter';
import { SwitchboardError } from './errors';

/** The `id` of every approval button, and so the `action.id` its press arrives with. */
export const APPROVAL_ACTION_ID = 'approval';

/** What one approval button stands for: one choice on one approval request. */
export interface ApprovalChoice {
  /** The `approvalId` of the `approval-request` reply part. May contain colons. */
  readonly approvalId: string;
  /** One of the request's `choices`, such as `approve` or `deny`. Never contains a colon. */
  readonly choice: string;
}

/**
 * The `value` an approval button carries: `<approvalId>:<choice>`. Platforms hand it back unchanged when
 * the button is pressed, and {@link decodeApprovalAction} reads it. Throws when `choice` is empty or
 * contains a colon, since the value is split at its last colon.
 */
export function encodeApprovalValue({ approvalId, choice }: ApprovalChoice): string {
  if (choice === '' || choice.includes(':'))
    throw new SwitchboardError(
      'invalid_approval_choice',
      `An approval choice must be a word without a colon, not "${choice}".`,
    );
  return `${approvalId}:${choice}`;
}

/**
 * The button for one choice of an approval request: `{ id: 'approval', value: '<approvalId>:<choice>' }`
 * with `label` (default: the choice itself) and an optional `style`.
 */
export function approvalButton(
  choice: ApprovalChoice,
  label: string = choice.choice,
  style?: Button['style'],
): Button {
  return {
    id: APPROVAL_ACTION_ID,
    value: encodeApprovalValue(choice),
    label,
    ...(style === undefined ? {} : { style }),
  };
}

/**
 * The approval and choice a pressed button (or an `action` event's `action`) stands for; `undefined`
 * for any other button, and for a value without an approval id or a choice.
 */
export function decodeApprovalAction(
  action: { readonly id: string; readonly value: string } | undefined,
): ApprovalChoice | undefined {
  if (action?.id !== APPROVAL_ACTION_ID) return undefined;
  const separator = action.value.lastIndexOf(':');
  if (separator <= 0 || separator === action.value.length - 1) return undefined;
  return { approvalId: action.value.slice(0, separator), choice: action.value.slice(separator + 1) };
}
