import { type ReplyMeta, type ReplyPart, sleep } from '@switchboard/core';
import type { BoxClient } from './client';

/** A whole answer the box pushed to the conversation (a schedule's run), shown once it has ended. */
export type PushedAnswer =
  | { readonly kind: 'reply'; readonly text: string; readonly meta: ReplyMeta }
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'approval';
      readonly summary: string;
      readonly choices: readonly string[];
    };

/** What {@link listenForPushes} needs. */
export interface PushListening {
  readonly client: BoxClient;
  readonly conversation: string;
  readonly onAnswer: (answer: PushedAnswer) => void;
  /** Stops listening. */
  readonly signal: AbortSignal;
  /** The first pause before listening again after the stream broke (the box restarted); doubles to 30 s. */
  readonly retryMs?: number;
}

const MAX_RETRY_MS = 30_000;

/** The answer a part completes, if it ends one (or asks the user something). */
function answerOf(part: ReplyPart): PushedAnswer | undefined {
  if (part.type === 'reply-end') return { kind: 'reply', text: part.text, meta: part.meta };
  if (part.type === 'error') return { kind: 'error', message: part.message };
  if (part.type === 'approval-request')
    return { kind: 'approval', summary: part.summary, choices: part.choices };
  return undefined;
}

/**
 * Listen to the conversation's pushed answers for as long as the chat runs and hand each one over whole
 * (the chat shows it between the user's own answers, not while they type). Listens again after the box
 * restarts; stops for good on a box that has no event stream. Resolves when `signal` aborts.
 */
export async function listenForPushes(listening: PushListening): Promise<void> {
  const { client, conversation, onAnswer, signal } = listening;
  const firstRetryMs = listening.retryMs ?? 1000;
  let retryMs = firstRetryMs;
  while (!signal.aborted) {
    try {
      const events = await client.listen(conversation, signal);
      if (events === 'unavailable') return;
      retryMs = firstRetryMs;
      for await (const { part } of events) {
        const answer = answerOf(part);
        if (answer !== undefined) onAnswer(answer);
      }
    } catch {
      // The box went away or refused; listen again after the pause.
    }
    await sleep(retryMs, signal).catch(() => {});
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }
}
