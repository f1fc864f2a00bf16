import { type REST, Routes } from 'discord.js';
import { toPlatformError } from './errors';
import { NO_MENTIONS } from './format';
import { laneOf, type RateLimitPacer } from './pacer';

/** A message body the adapter sends (content, embeds, components, flags). */
export interface MessageBody {
  readonly content?: string;
  readonly embeds?: readonly unknown[];
  readonly components?: readonly unknown[];
  readonly flags?: number;
  readonly message_reference?: unknown;
}

/** The fields of a Discord message the adapter reads back. */
export interface PostedMessage {
  readonly id: string;
  readonly channel_id: string;
}

/** Interaction callback types used here. */
export const Callback = {
  Reply: 4,
  Defer: 5,
  /** Acknowledge a button press; the message it is on can be edited later as `@original`. */
  DeferUpdate: 6,
  UpdateMessage: 7,
  Autocomplete: 8,
} as const;

/** Ephemeral message flag. */
export const EPHEMERAL = 1 << 6;

/** One REST operation: where it goes, so the caller can pace it, and how to run it. */
export interface Operation<T> {
  readonly lane: string;
  run(signal?: AbortSignal): Promise<T>;
}

/**
 * The Discord REST calls the adapter makes, over discord.js's REST client (its per-route queues and
 * header-driven waits). Every message body gets `allowed_mentions: { parse: [] }` here, in one place,
 * so nothing a model writes can ping anyone. Failures become PlatformErrors.
 */
export class DiscordApi {
  constructor(
    private readonly rest: REST,
    readonly pacer: RateLimitPacer,
  ) {}

  #op<T>(
    method: 'POST' | 'PATCH' | 'PUT',
    route: `/${string}`,
    name: string,
    body: unknown,
    auth: boolean,
    query?: URLSearchParams,
  ): Operation<T> {
    return {
      lane: laneOf(method, route),
      run: async (signal) => {
        // @discordjs/rest adds an abort listener per request and never removes it: give it a child signal.
        const child = new AbortController();
        const onAbort = () => child.abort(signal?.reason);
        if (signal?.aborted) child.abort(signal.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          const options = { body, auth, signal: child.signal, ...(query ? { query } : {}) };
          if (method === 'POST') return (await this.rest.post(route, options)) as T;
          if (method === 'PATCH') return (await this.rest.patch(route, options)) as T;
          return (await this.rest.put(route, options)) as T;
        } catch (error) {
          throw toPlatformError(error, name);
        } finally {
          signal?.removeEventListener('abort', onAbort);
        }
      },
    };
  }

  /** Answer an interaction (defer, reply, update, autocomplete). No bot auth: the token authorises it. */
  callback(
    interactionId: string,
    token: string,
    type: number,
    data?: MessageBody | { choices: unknown[] },
  ): Operation<void> {
    const body =
      data === undefined
        ? { type }
        : { type, data: 'choices' in data ? data : { ...data, allowed_mentions: NO_MENTIONS } };
    return this.#op(
      'POST',
      Routes.interactionCallback(interactionId, token),
      'interaction callback',
      body,
      false,
    );
  }

  editOriginal(applicationId: string, token: string, body: MessageBody): Operation<PostedMessage> {
    return this.#op(
      'PATCH',
      Routes.webhookMessage(applicationId, token, '@original'),
      'edit of the interaction reply',
      safe(body),
      false,
    );
  }

  followUp(applicationId: string, token: string, body: MessageBody): Operation<PostedMessage> {
    const wait = new URLSearchParams({ wait: 'true' });
    return this.#op(
      'POST',
      Routes.webhook(applicationId, token),
      'follow-up message',
      safe(body),
      false,
      wait,
    );
  }

  editFollowUp(
    applicationId: string,
    token: string,
    messageId: string,
    body: MessageBody,
  ): Operation<PostedMessage> {
    return this.#op(
      'PATCH',
      Routes.webhookMessage(applicationId, token, messageId),
      'edit of a follow-up message',
      safe(body),
      false,
    );
  }

  createMessage(channelId: string, body: MessageBody): Operation<PostedMessage> {
    return this.#op('POST', Routes.channelMessages(channelId), 'channel message', safe(body), true);
  }

  editMessage(channelId: string, messageId: string, body: MessageBody): Operation<PostedMessage> {
    return this.#op(
      'PATCH',
      Routes.channelMessage(channelId, messageId),
      'edit of a channel message',
      safe(body),
      true,
    );
  }

  typing(channelId: string): Operation<void> {
    return this.#op('POST', Routes.channelTyping(channelId), 'typing indicator', undefined, true);
  }

  putCommands(
    applicationId: string,
    guildId: string | undefined,
    commands: readonly unknown[],
  ): Operation<unknown[]> {
    const route =
      guildId === undefined
        ? Routes.applicationCommands(applicationId)
        : Routes.applicationGuildCommands(applicationId, guildId);
    return this.#op('PUT', route, 'slash command registration', commands, true);
  }
}

function safe(body: MessageBody): MessageBody & { allowed_mentions: typeof NO_MENTIONS } {
  return { ...body, allowed_mentions: NO_MENTIONS };
}
