import { APPROVAL_ACTION_ID, approvalButton, type Button, type OutboundMessage } from '@switchboard/core';
import { type DeliveryContext, logFields } from './context';
import type { ApprovalPart } from './reply-state';
import { failureFields, persist } from './retry';
import { splitMessage } from './split';

/** The button id an approval's buttons carry (core's `APPROVAL_ACTION_ID`); the agent decodes presses of them. */
export const APPROVAL_BUTTON_ID = APPROVAL_ACTION_ID;

/** Labels for choices whose name does not read well on a button; others are labelled with the choice. */
const CHOICE_LABELS: Readonly<Record<string, string>> = {
  'allow-conversation': 'allow for this conversation',
};

/**
 * The messages that ask for an approval: the summary (split if long), with one button per choice on
 * the last message — core's `approvalButton` for each choice, labelled with the choice — and at most
 * `maxButtons` of them.
 */
export function approvalMessages(
  part: ApprovalPart,
  maxLength: number,
  maxButtons: number,
): OutboundMessage[] {
  const buttons: Button[] = part.choices
    .slice(0, Math.max(0, maxButtons))
    .map((choice) =>
      approvalButton({ approvalId: part.approvalId, choice }, CHOICE_LABELS[choice] ?? choice),
    );
  const summary = part.summary.trim() === '' ? 'Approval needed.' : part.summary;
  const chunks = splitMessage(summary, maxLength);
  return chunks.map((text, index) =>
    index === chunks.length - 1 && buttons.length > 0
      ? { text, buttons, final: true }
      : { text, final: true },
  );
}

/** Log that an approval has more choices than the platform allows buttons. */
export function warnExtraChoices(context: DeliveryContext, part: ApprovalPart): void {
  const { limits } = context.adapter;
  if (part.choices.length > limits.maxButtons) {
    context.logger.warn(
      logFields(context, {
        approvalId: part.approvalId,
        choices: part.choices.length,
        maxButtons: limits.maxButtons,
      }),
      'approval has more choices than the platform allows buttons; extra choices left out',
    );
  }
}

/** Post an approval request as its own messages, retried like final text; failures are logged. */
export async function postApproval(context: DeliveryContext, part: ApprovalPart): Promise<void> {
  const { limits } = context.adapter;
  warnExtraChoices(context, part);
  for (const message of approvalMessages(part, limits.maxLength, limits.maxButtons)) {
    try {
      await persist(context, 'post', (signal) => context.adapter.post(context.address, message, signal));
    } catch (error) {
      context.signal.throwIfAborted();
      context.logger.error(
        logFields(context, { approvalId: part.approvalId, ...failureFields(error) }),
        'approval request could not be delivered',
      );
      return;
    }
  }
}
