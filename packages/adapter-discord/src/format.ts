import { type Button, decodeApprovalAction, type ReplyMeta } from '@switchboard/core';

/** Discord's content limit per message. */
export const MAX_LENGTH = 2000;

/** Every message the adapter sends pings nobody: no @everyone, no roles, no users. */
export const NO_MENTIONS = { parse: [] as string[] } as const;

/** Cut a text to Discord's limit, marking the cut. */
export function truncate(text: string, max: number = MAX_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The footer of a final answer: model, tokens, cost, time. Undefined when there is nothing to say. */
export function footerEmbed(meta: ReplyMeta): { footer: { text: string }; color: number } | undefined {
  const parts: string[] = [];
  if (meta.model) parts.push(meta.model);
  if (meta.usage) {
    const { inputTokens, outputTokens } = meta.usage;
    parts.push(`${inputTokens + outputTokens} tokens (${inputTokens} in, ${outputTokens} out)`);
  }
  if (meta.costUsd !== undefined)
    parts.push(`$${meta.costUsd < 0.01 ? meta.costUsd.toFixed(4) : meta.costUsd.toFixed(2)}`);
  if (meta.durationMs !== undefined) parts.push(`${(meta.durationMs / 1000).toFixed(1)} s`);
  if (parts.length === 0) return undefined;
  return { footer: { text: truncate(parts.join(' · '), 2048) }, color: 0x5865f2 };
}

/** Button styles: primary 1, secondary 2, success 3, danger 4. */
function styleFor(button: Button): number {
  if (button.style === 'danger') return 4;
  if (button.style === 'primary') return 3;
  const choice = decodeApprovalAction(button)?.choice.toLowerCase() ?? '';
  if (['approve', 'yes', 'allow', 'ok'].includes(choice)) return 3;
  if (['deny', 'no', 'reject', 'cancel'].includes(choice)) return 4;
  return 2;
}

/** Action rows of buttons (5 per row, 5 rows at most). `customId` encodes each button. */
export function buttonRows(buttons: readonly Button[], customId: (button: Button) => string): unknown[] {
  const rows: unknown[] = [];
  for (let index = 0; index < Math.min(buttons.length, 25); index += 5) {
    rows.push({
      type: 1,
      components: buttons.slice(index, index + 5).map((button) => ({
        type: 2,
        style: styleFor(button),
        label: truncate(choiceLabel(button.label), 80),
        custom_id: customId(button),
      })),
    });
  }
  return rows;
}

/** A choice word as a label: `approve` → `Approve`. */
export function choiceLabel(choice: string): string {
  return choice.length === 0 ? choice : choice[0]?.toUpperCase() + choice.slice(1);
}

/** The line an approval message gets once someone decided. */
export function decisionLine(choice: string, displayName: string): string {
  return `**${choiceLabel(choice)}** by ${displayName}`;
}
