import { type Logger, type OutboundMessage, PlatformError } from '@switchboard/core';
import { toWhatsApp } from '../format';
import { encodeButton } from '../shared';
import type { CloudAddress } from './address';
import { OUTSIDE_WINDOW, UNDELIVERABLE } from './errors';
import type { GraphClient, ReplyButton } from './graph';
import type { CustomerWindows } from './window';

/** Interactive messages carry at most 1,024 characters of body text. */
const MAX_BUTTON_BODY = 1024;
/** Reply button titles are at most 20 characters. */
const MAX_TITLE = 20;
/** Reply button ids are at most 256 characters. */
const MAX_BUTTON_ID = 256;

/** The body shown above buttons whose question went out as its own text message. */
const CHOOSE = 'Please choose:';

/** What a `post` came to: the `wamid` of the last message sent, or `held` outside the window. */
export type SendOutcome = { readonly sent: string } | { readonly held: true };

/** What {@link CloudSender} needs. */
export interface CloudSenderOptions {
  readonly graph: GraphClient;
  readonly windows: CustomerWindows;
  readonly logger: Logger;
  readonly now: () => number;
  readonly template: { readonly name: string; readonly language: string } | undefined;
}

/** A title of at most 20 characters. */
function title(label: string): string {
  const trimmed = label.trim();
  return trimmed.length <= MAX_TITLE ? trimmed : `${trimmed.slice(0, MAX_TITLE - 1)}…`;
}

/**
 * Sends replies through the Graph API, never free-form outside a user's 24-hour window: such a reply is
 * held until the user writes again, and the user is told once with the configured template (or a
 * warning names WHATSAPP_TEMPLATE). A 131047 from Meta (the window closed sooner than the box knew) is
 * treated the same way; 131026 is logged plainly and thrown.
 */
export class CloudSender {
  readonly #options: CloudSenderOptions;

  constructor(options: CloudSenderOptions) {
    this.#options = options;
  }

  async post(to: CloudAddress, message: OutboundMessage, signal?: AbortSignal): Promise<SendOutcome> {
    const { windows, now, logger } = this.#options;
    if (!windows.isOpen(to.waId, now(), to.wroteAt)) return this.#hold(to, message, signal);
    try {
      return { sent: await this.#send(to.waId, message, signal) };
    } catch (error) {
      if (PlatformError.isInstance(error) && error.code === OUTSIDE_WINDOW) {
        logger.warn({ code: 131047 }, 'whatsapp: Meta says the 24-hour window is closed; holding the reply');
        return this.#hold(to, message, signal);
      }
      if (PlatformError.isInstance(error) && error.code === UNDELIVERABLE)
        logger.error({ code: 131026, error: error.message }, 'whatsapp: reply undeliverable');
      throw error;
    }
  }

  /** Send what was held for `waId` (they just wrote, so their window is open again), in order. */
  async flushHeld(waId: string, signal?: AbortSignal): Promise<void> {
    const held = this.#options.windows.takeHeld(waId);
    for (const [index, message] of held.entries()) {
      try {
        await this.#send(waId, JSON.parse(message) as OutboundMessage, signal);
      } catch (error) {
        this.#options.logger.error(
          { error: error instanceof Error ? error.message : String(error), lost: held.length - index },
          'whatsapp: a held reply could not be sent',
        );
        return;
      }
    }
    if (held.length > 0)
      this.#options.logger.info({ count: held.length }, 'whatsapp: held replies delivered');
  }

  async #send(waId: string, message: OutboundMessage, signal?: AbortSignal): Promise<string> {
    const { graph } = this.#options;
    const text = toWhatsApp(message.text);
    const buttons: ReplyButton[] = (message.buttons ?? [])
      .slice(0, 3)
      .map((button) => ({ id: encodeButton(button), title: title(button.label) }));
    if (buttons.length === 0) return graph.sendText(waId, text, signal);
    if (buttons.some((button) => button.id.length > MAX_BUTTON_ID))
      throw new PlatformError({
        code: 'whatsapp_button_too_long',
        method: 'sendButtons',
        message: `A button's data is longer than WhatsApp's ${MAX_BUTTON_ID} characters.`,
      });
    if (text.length <= MAX_BUTTON_BODY) return graph.sendButtons(waId, text, buttons, signal);
    await graph.sendText(waId, text, signal);
    return graph.sendButtons(waId, CHOOSE, buttons, signal);
  }

  async #hold(to: CloudAddress, message: OutboundMessage, signal?: AbortSignal): Promise<SendOutcome> {
    const { windows, logger, template, graph } = this.#options;
    if (!windows.hold(to.waId, JSON.stringify(message))) {
      logger.error(
        {},
        'whatsapp: too many replies held for one user outside the 24-hour window; this one is dropped',
      );
      return { held: true };
    }
    if (!windows.shouldNotify(to.waId)) return { held: true };
    if (template === undefined) {
      logger.warn(
        {},
        'whatsapp: a reply is outside the 24-hour customer-service window, so it was not sent; it goes out when the user writes again (set WHATSAPP_TEMPLATE to notify them)',
      );
      return { held: true };
    }
    try {
      await graph.sendTemplate(to.waId, template.name, template.language, signal);
      logger.info(
        { template: template.name },
        'whatsapp: reply outside the 24-hour window held; the user was sent the template',
      );
    } catch (error) {
      logger.error(
        { error: error instanceof Error ? error.message : String(error), template: template.name },
        'whatsapp: the template for a reply outside the 24-hour window could not be sent',
      );
    }
    return { held: true };
  }
}
