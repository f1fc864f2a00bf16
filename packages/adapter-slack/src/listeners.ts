import type { App } from '@slack/bolt';
import type { InboundEvent, Logger } from '@switchboard/core';
import {
  type Ignored,
  isIgnored,
  type NormalizeContext,
  normalizeAction,
  normalizeCommand,
  normalizeMention,
  normalizeMessage,
} from './normalize';
import type { Submission, Submitter } from './submit';

/** What the listeners need besides Bolt. */
export interface ListenerDeps {
  readonly context: NormalizeContext;
  readonly submitter: Submitter;
  readonly logger: Logger;
  /** Ask Slack to deliver an event again (HTTP: answer 503; Socket Mode: no ack) as the bus refused it. */
  readonly requestRetry: (body: object) => void;
}

type Loose = Readonly<Record<string, unknown>>;

const UNAVAILABLE = 'Sorry, the box could not take this request right now. Please try again in a moment.';

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });

/**
 * Bolt listeners for the four ways a request arrives: the slash command, `app_mention`, `message`
 * (direct messages and thread replies) and `block_actions`. Each one normalizes, hands the event to the
 * bus through the {@link Submitter} (bounded by its deadline) and only then acknowledges, so Slack's
 * 3 seconds are kept even when the bus is slow, and a redelivery is never a second request.
 */
export function registerListeners(app: App, deps: ListenerDeps): void {
  const { context, submitter, logger } = deps;
  const hand = async (event: InboundEvent | Ignored): Promise<Submission | undefined> => {
    if (isIgnored(event)) {
      logger.debug({ reason: event.ignored }, 'slack payload ignored');
      return undefined;
    }
    return submitter.submit(event);
  };

  app.command(/^\/.*/, async ({ body, ack }) => {
    const event = normalizeCommand(body as unknown as Loose, context);
    if (isIgnored(event)) {
      logger.info({ reason: event.ignored }, 'slash command ignored');
      await ack(ephemeral(`This box answers ${context.command}. Try \`${context.command} help\`.`));
      return;
    }
    const outcome = await hand(event);
    await ack(outcome?.kind === 'failed' ? ephemeral(UNAVAILABLE) : undefined);
  });

  const onEvent = (normalize: typeof normalizeMention) => async (args: { body: unknown; event: unknown }) => {
    const body = args.body as Loose;
    const outcome = await hand(normalize(body, args.event as Loose, context));
    if (outcome?.kind === 'failed') deps.requestRetry(body);
  };
  app.event('app_mention', onEvent(normalizeMention));
  app.event('message', onEvent(normalizeMessage));

  app.action({ type: 'block_actions' }, async ({ body, ack }) => {
    await hand(normalizeAction(body as unknown as Loose, context));
    await ack();
  });
}
