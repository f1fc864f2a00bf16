import { approvalButton, type Button } from '@switchboard/core';
import { splitMrkdwn } from './format';
import { actionIdFor } from './normalize';

/** Block Kit limits (api.slack.com/reference/block-kit). */
export const BLOCK_LIMITS = {
  sectionText: 3_000,
  blocks: 50,
  buttons: 25,
  buttonLabel: 75,
  buttonValue: 2_000,
} as const;

/**
 * The message as Block Kit: the text in section blocks (3,000 characters each) and the buttons in one
 * actions block. Each button's `action_id` is `<button id>#<index>` (unique within the message), its
 * `value` the button's value; a press comes back as `block_actions`.
 */
export function buttonBlocks(mrkdwn: string, buttons: readonly Button[]): unknown[] {
  const sections =
    mrkdwn.trim() === ''
      ? []
      : splitMrkdwn(mrkdwn, BLOCK_LIMITS.sectionText).filter((piece) => piece.trim() !== '');
  return [
    ...sections
      .slice(0, BLOCK_LIMITS.blocks - 1)
      .map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    {
      type: 'actions',
      block_id: 'switchboard_actions',
      elements: buttons.slice(0, BLOCK_LIMITS.buttons).map((button, index) => ({
        type: 'button',
        action_id: actionIdFor(button.id, index),
        value: button.value.slice(0, BLOCK_LIMITS.buttonValue),
        text: {
          type: 'plain_text',
          text: button.label.slice(0, BLOCK_LIMITS.buttonLabel) || button.value.slice(0, 20),
          emoji: true,
        },
        ...(button.style === undefined ? {} : { style: button.style }),
      })),
    },
  ];
}

/** Buttons for an approval request: value `<approvalId>:<choice>`, as the agent reads it back. */
export function approvalButtons(approvalId: string, choices: readonly string[]): Button[] {
  return choices.map((choice) => {
    const style = /^(approve|allow|yes|ok|run)/i.test(choice)
      ? 'primary'
      : /^(deny|reject|no|cancel|stop)/i.test(choice)
        ? 'danger'
        : undefined;
    return approvalButton({ approvalId, choice }, choice.charAt(0).toUpperCase() + choice.slice(1), style);
  });
}
