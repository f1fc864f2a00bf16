import type { ReplyPart } from '@switchboard/core';
import type { BoxClient } from './client';
import { readPrompt } from './prompt';
import type { ReplyView } from './reply-view';

type ApprovalRequest = Extract<ReplyPart, { type: 'approval-request' }>;

/** What the user did with an approval question. */
export type ApprovalAnswer = 'answered' | 'cancelled' | 'quit';

/** Where the approval question is asked and its choice sent. */
export interface ApprovalContext {
  readonly client: BoxClient;
  readonly view: ReplyView;
  /** The keyboard; without one the question is shown and left to another chat to answer. */
  readonly keyboard:
    | { readonly input: NodeJS.ReadStream; readonly output: NodeJS.WritableStream }
    | undefined;
  readonly signal: AbortSignal;
}

/**
 * Show an approval the reply asks for and let the user pick a choice by its number or name, then send
 * it to the box (`POST /api/approvals/{approvalId}`). Ctrl+C at the question cancels the answer.
 */
export async function askApproval(
  request: ApprovalRequest,
  context: ApprovalContext,
): Promise<ApprovalAnswer> {
  const { view, keyboard } = context;
  view.approval(request.summary, request.choices);
  if (keyboard === undefined) {
    view.note('This chat cannot answer it: its input is not a terminal.');
    return 'answered';
  }
  for (;;) {
    const typed = await readPrompt(keyboard.input, keyboard.output, { prompt: 'choose › ' });
    if (typed.kind === 'interrupt') return 'cancelled';
    if (typed.kind === 'end') return 'quit';
    const choice = matchChoice(typed.text, request.choices);
    if (choice === undefined) {
      view.note(`Type a number from 1 to ${request.choices.length}, or a choice's name.`);
      continue;
    }
    const outcome = await context.client
      .decide(request.approvalId, choice, context.signal)
      .catch((error: unknown) => ({ kind: 'refused' as const, message: (error as Error).message }));
    if (outcome.kind === 'decided') view.note(`Sent: ${choice}.`);
    else if (outcome.kind === 'unavailable') view.note('Approvals are not available on this box yet.');
    else view.note(outcome.message);
    return 'answered';
  }
}

/** The choice a typed answer names: its number, its name, or the start of exactly one name. */
export function matchChoice(typed: string, choices: readonly string[]): string | undefined {
  const answer = typed.trim().toLowerCase();
  if (answer === '') return undefined;
  const number = Number(answer);
  if (Number.isInteger(number) && number >= 1 && number <= choices.length) return choices[number - 1];
  const exact = choices.find((choice) => choice.toLowerCase() === answer);
  if (exact !== undefined) return exact;
  const starting = choices.filter((choice) => choice.toLowerCase().startsWith(answer));
  return starting.length === 1 ? starting[0] : undefined;
}
