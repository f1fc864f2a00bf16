import type { RequestContext } from '../pipeline/context';

/** An admitted request for one command, with the text after the command's name. */
export interface CommandContext extends RequestContext {
  /** `/model openai:gpt-4o` → `openai:gpt-4o`. */
  readonly args: string;
}

/** A handler for one command; it sends exactly one final part. */
export type CommandHandler = (context: CommandContext) => Promise<void>;

/** Answer with `text` as the request's final part. */
export function say(context: RequestContext, text: string): Promise<void> {
  return context.reply.send({ type: 'reply-end', text, meta: {} });
}
