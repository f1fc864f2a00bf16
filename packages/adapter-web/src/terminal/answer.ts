import { askApproval } from './approval';
import type { BoxClient } from './client';
import { type KeyWatch, watchAnswerKeys } from './keys';
import type { ReplyView } from './reply-view';

/**
 * How an answer ended for the chat: shown in full, stopped by Ctrl+C, the user left (Ctrl+D), or it went
 * on in the background (its answer comes later as a pushed answer of the conversation).
 */
export type AnswerOutcome = 'done' | 'cancelled' | 'quit' | 'background';

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
 * client go) and returns `cancelled`; Ctrl+D aborts it and returns `quit`. At a terminal, a reply that
 * says its request goes on in the background (ADR 0040) is let go — the box keeps working on it and its
 * answer arrives on the conversation's stream — and the prompt comes back (`background`); a pipe reads
 * the reply to its end.
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
      if (part.type === 'status' && part.background !== undefined && keyboard) {
        view.pause();
        view.note(part.text);
        outcome = 'background';
        break;
      }
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
    if (!ended && outcome !== 'background' && !controller.signal.aborted)
      view.error('The box closed the answer before it ended.');
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
