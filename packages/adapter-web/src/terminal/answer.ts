import { askApproval } from './approval';
import type { BoxClient } from './client';
import { type KeyWatch, watchAnswerKeys } from './keys';
import type { ReplyView } from './reply-view';

/** How an answer ended for the chat: shown in full, stopped by Ctrl+C, or the user left (Ctrl+D). */
export type AnswerOutcome = 'done' | 'cancelled' | 'quit';

/** What one answer needs. */
export interface AnswerContext {
  readonly client: BoxClient;
  readonly conversation: string;
  readonly view: ReplyView;
  /** The keyboard, when the user sits at a terminal: Ctrl+C, Ctrl+D and approval questions work. */
  readonly keyboard?: { readonly input: NodeJS.ReadStream; readonly output: NodeJS.WritableStream };
}

/**
 * Send one message and show its reply as it streams. Ctrl+C aborts the request (the box sees its
 * client go) and returns `cancelled`; Ctrl+D aborts it and returns `quit`.
 */
export async function runAnswer(context: AnswerContext, text: string): Promise<AnswerOutcome> {
  const { view, keyboard } = context;
  const controller = new AbortController();
  let outcome = 'done' as AnswerOutcome;
  const stop = (why: 'cancelled' | 'quit') => {
    if (outcome === 'done' || why === 'quit') outcome = why;
    controller.abort();
  };
  let keys: KeyWatch | undefined;
  if (keyboard)
    keys = watchAnswerKeys(keyboard.input, { cancel: () => stop('cancelled'), quit: () => stop('quit') });
  try {
    let ended = false;
    const parts = await context.client.send(context.conversation, text, controller.signal);
    for await (const part of parts) {
      if (part.type === 'status') view.status(part.text);
      else if (part.type === 'text-delta') view.delta(part.delta);
      else if (part.type === 'reply-end') view.end(part.text, part.meta);
      else if (part.type === 'error') view.error(part.message);
      else if (part.type === 'approval-request') {
        keys?.pause();
        const answer = await askApproval(part, { ...context, keyboard, signal: controller.signal });
        keys?.resume();
        if (answer !== 'answered') stop(answer);
      }
      ended = part.type === 'reply-end' || part.type === 'error';
      if (ended) break;
    }
    if (!ended && !controller.signal.aborted) view.error('The box closed the answer before it ended.');
  } catch (error) {
    if (!controller.signal.aborted) view.error((error as Error).message);
  } finally {
    keys?.stop();
    controller.abort();
  }
  if (outcome === 'cancelled') view.cancelled();
  else if (outcome === 'quit') view.pause();
  return outcome;
}
