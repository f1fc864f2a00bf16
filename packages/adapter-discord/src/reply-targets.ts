import {
  EDIT_WINDOW_CLOSED,
  type OutboundMessage,
  PlatformError,
  RecentIds,
  type ReplyAddress,
  type SentMessage,
} from '@switchboard/core';
import { type DiscordAddress, readAddress } from './address';
import type { CustomIds } from './custom-id';
import { isTokenGone, toPlatformError } from './errors';
import { buttonRows, footerEmbed, MAX_LENGTH, truncate } from './format';
import type { DiscordApi, MessageBody, PostedMessage } from './send';

/** What reply targeting needs from the adapter. */
export interface ReplyTargetDeps {
  /** The connected REST client; throws a retryable error while disconnected. */
  readonly api: () => DiscordApi;
  readonly customIds: CustomIds;
  /** The adapter's clock, for the token-expiry decision. */
  readonly now: () => number;
  /** How long interaction tokens work (15 min), and how long before that streaming edits stop. */
  readonly tokenLifetimeMs: number;
  readonly tokenSafetyMs: number;
  /** Resolves once the slash command's deferral reached Discord. */
  readonly acknowledged: (address: DiscordAddress) => Promise<void>;
}

type TokenAddress = Extract<DiscordAddress, { token: string }>;

/**
 * Where the messages of one reply go on Discord — the delivery engine's `post` and `edit` primitives.
 * A slash command's first message is its deferred response (`@original`), later ones follow-ups; once
 * the 15-minute interaction token nears its end (or Discord refuses it) new messages go to the channel,
 * and messages reached through the token answer edits with {@link EDIT_WINDOW_CLOSED}, so the engine
 * keeps them as they are and continues below. A mention or DM is answered in the channel, the first
 * message as a reply to it. Every body pings nobody (see `DiscordApi`).
 */
export class ReplyTargets {
  /** Interactions whose deferred original a post has used. */
  readonly #originals = new RecentIds(10_000);
  /** Interactions whose token Discord refused. */
  readonly #deadTokens = new RecentIds(10_000);

  constructor(private readonly deps: ReplyTargetDeps) {}

  async post(to: ReplyAddress, message: OutboundMessage, signal?: AbortSignal): Promise<SentMessage> {
    const address = readAddress(to);
    await this.deps.acknowledged(address);
    const body = this.#body(message, address);
    if (address.kind !== 'message' && this.#tokenUsable(address, this.deps.tokenSafetyMs)) {
      try {
        return await this.#postWithToken(to, address, body, signal);
      } catch (error) {
        if (!isTokenGone(toPlatformError(error, 'post'))) throw error;
        this.#deadTokens.add(address.interactionId);
      }
    }
    const reference =
      address.kind === 'message'
        ? { message_reference: { message_id: address.messageId, fail_if_not_exists: false } }
        : {};
    const api = this.deps.api();
    const posted = await api.createMessage(address.channelId, { ...body, ...reference }).run(signal);
    return sent(to, { via: 'channel', id: posted.id, channelId: posted.channel_id });
  }

  async edit(message: SentMessage, outbound: OutboundMessage, signal?: AbortSignal): Promise<void> {
    const address = readAddress(message.address);
    const body = this.#body(outbound, address);
    const data = message.data ?? {};
    const api = this.deps.api();
    if (data['via'] === 'channel') {
      await api.editMessage(String(data['channelId']), message.id, body).run(signal);
      return;
    }
    // A last (final) edit may use the token up to its real expiry; streaming edits stop a margin before.
    const margin = outbound.final ? 0 : this.deps.tokenSafetyMs;
    if (address.kind === 'message' || !this.#tokenUsable(address, margin)) throw windowClosed();
    try {
      if (data['via'] === 'original')
        await api.editOriginal(address.applicationId, address.token, body).run(signal);
      else await api.editFollowUp(address.applicationId, address.token, message.id, body).run(signal);
    } catch (error) {
      if (!isTokenGone(toPlatformError(error, 'edit'))) throw error;
      this.#deadTokens.add(address.interactionId);
      throw windowClosed();
    }
  }

  async #postWithToken(
    to: ReplyAddress,
    address: TokenAddress,
    body: MessageBody,
    signal?: AbortSignal,
  ): Promise<SentMessage> {
    const api = this.deps.api();
    if (address.kind === 'interaction' && !this.#originals.has(address.interactionId)) {
      await api.editOriginal(address.applicationId, address.token, body).run(signal);
      this.#originals.add(address.interactionId);
      return sent(to, { via: 'original' });
    }
    const posted: PostedMessage = await api.followUp(address.applicationId, address.token, body).run(signal);
    return sent(to, { via: 'followup', id: posted.id });
  }

  #tokenUsable(address: TokenAddress, marginMs: number): boolean {
    if (this.#deadTokens.has(address.interactionId)) return false;
    return this.deps.now() < address.receivedAt + this.deps.tokenLifetimeMs - marginMs;
  }

  #body(message: OutboundMessage, address: DiscordAddress): MessageBody {
    const footer = message.meta === undefined ? undefined : footerEmbed(message.meta);
    return {
      content: truncate(message.text, MAX_LENGTH),
      ...(message.buttons?.length
        ? {
            components: buttonRows(message.buttons, (button) =>
              this.deps.customIds.encode(button, address.userId),
            ),
          }
        : message.final
          ? { components: [] }
          : {}),
      ...(footer === undefined ? {} : { embeds: [footer] }),
    };
  }
}

/** Where one message of a reply lives, which decides how it can be edited. */
type MessageRef =
  | { readonly via: 'original' }
  | { readonly via: 'followup'; readonly id: string }
  | { readonly via: 'channel'; readonly id: string; readonly channelId: string };

function sent(address: ReplyAddress, ref: MessageRef): SentMessage {
  return {
    platform: 'discord',
    id: ref.via === 'original' ? '@original' : ref.id,
    address,
    data: { ...ref },
  };
}

function windowClosed(): PlatformError {
  return new PlatformError({
    code: EDIT_WINDOW_CLOSED,
    message: 'The interaction token expired; the reply continues in new messages.',
    method: 'edit',
    retryable: false,
  });
}
