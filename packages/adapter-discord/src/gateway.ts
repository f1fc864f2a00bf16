import {
  describeError,
  type EventSink,
  type InboundEvent,
  type Logger,
  PlatformError,
  RecentIds,
} from '@switchboard/core';
import { readPress } from './buttons';
import { modelChoices } from './commands';
import type { CustomIds } from './custom-id';
import { actionEvent, commandEvent, messageEvent } from './events';
import { type DiscordInteraction, parseInteraction, parseMessage, parseReady } from './parse';
import { Callback, type DiscordApi, EPHEMERAL } from './send';

/** What the ingress needs from the adapter. */
export interface IngressDeps {
  readonly api: DiscordApi;
  readonly logger: Logger;
  readonly now: () => number;
  readonly customIds: CustomIds;
  readonly models: () => readonly string[];
  /** The sink while the adapter runs; undefined before start and after stop. */
  readonly sink: () => EventSink | undefined;
  /**
   * Called as a slash command is handed to the sink, with a promise that settles once Discord has the
   * interaction's acknowledgement; replies to it wait for that (see {@link Ingress}).
   */
  readonly acknowledging?: (interactionId: string, acknowledged: Promise<void>) => void;
}

/** Dispatches discord.js itself still handles: it needs them to keep its session. */
const LIBRARY_EVENTS = new Set(['READY', 'RESUMED']);

/**
 * The receiving half of the adapter. It reads raw gateway dispatches (discord.js's `raw` event, which
 * fires before discord.js's own handlers), validates them strictly, and renames every dispatch it owns
 * so discord.js's handlers never see it: a malformed payload cannot throw inside the library, and the
 * adapter builds no cached structures it does not use.
 */
export class Ingress {
  readonly #recent = new RecentIds();
  #botId: string | undefined;

  constructor(private readonly deps: IngressDeps) {}

  /** The bot's user id, once READY arrived. */
  get botId(): string | undefined {
    return this.#botId;
  }

  /** Handle one raw gateway packet. Never throws. */
  onRaw(packet: unknown): void {
    try {
      if (typeof packet !== 'object' || packet === null) return;
      const frame = packet as { op?: unknown; t?: unknown; d?: unknown };
      if (frame.op !== 0 || typeof frame.t !== 'string') return;
      if (LIBRARY_EVENTS.has(frame.t)) {
        if (frame.t === 'READY') {
          const ready = parseReady(frame.d);
          if (ready === undefined) frame.t = 'SWITCHBOARD_MALFORMED';
          else this.#botId = ready.userId;
        }
        return;
      }
      const type = frame.t;
      frame.t = `SWITCHBOARD_${type}`;
      if (type === 'INTERACTION_CREATE') this.#interaction(frame.d);
      else if (type === 'MESSAGE_CREATE') this.#message(frame.d);
    } catch (error) {
      this.deps.logger.warn({ err: describeError(error) }, 'discord: a gateway dispatch could not be read');
    }
  }

  #interaction(d: unknown): void {
    const interaction = parseInteraction(d);
    if (interaction === undefined) {
      this.deps.logger.debug('discord: ignored a malformed or unsupported interaction');
      return;
    }
    if (this.#recent.seen(interaction.id)) {
      this.deps.logger.debug(
        { eventId: `discord:${interaction.id}` },
        'discord: duplicate interaction dropped',
      );
      return;
    }
    this.#answer(interaction).catch((error: unknown) =>
      this.deps.logger.warn(
        { eventId: `discord:${interaction.id}`, err: describeError(error) },
        'discord: interaction failed',
      ),
    );
  }

  async #answer(interaction: DiscordInteraction): Promise<void> {
    const { api, now } = this.deps;
    const receivedAt = now();
    const sink = this.deps.sink();
    if (sink === undefined) return;
    if (interaction.kind === 'autocomplete') {
      const choices =
        interaction.name === 'model' ? modelChoices(this.deps.models(), interaction.focused.value) : [];
      await api.callback(interaction.id, interaction.token, Callback.Autocomplete, { choices }).run();
      return;
    }
    if (interaction.kind === 'button') {
      const reading = readPress(interaction, this.deps.customIds);
      if (reading.kind === 'unknown') {
        await api
          .callback(interaction.id, interaction.token, Callback.Reply, {
            content: reading.message,
            flags: EPHEMERAL,
          })
          .run();
        return;
      }
      await api.callback(interaction.id, interaction.token, Callback.DeferUpdate).run();
      await this.#hand(sink, actionEvent(interaction, reading, receivedAt), interaction);
      return;
    }
    await this.#command(sink, commandEvent(interaction, receivedAt), interaction);
  }

  /**
   * A slash command is recorded first (the sink commits it to the box's inbox) and acknowledged (a
   * deferred reply) only then, so a crash between the two can never lose a request Discord was told
   * arrived (ADR 0030). Replies the box sends meanwhile wait for the acknowledgement. When the box
   * could not take it, the first response says so instead.
   */
  async #command(sink: EventSink, event: InboundEvent, interaction: DiscordInteraction): Promise<void> {
    const { api, logger } = this.deps;
    let acknowledge: (() => void) | undefined;
    const acknowledged = new Promise<void>((resolve) => {
      acknowledge = resolve;
    });
    this.deps.acknowledging?.(interaction.id, acknowledged);
    let note: string | undefined;
    try {
      const result = await sink(event);
      if (result.status === 'ignored') note = result.reason;
      if (result.status === 'duplicate')
        logger.info({ eventId: event.id }, 'discord: duplicate event dropped by the bus');
    } catch (error) {
      logger.error(
        { eventId: event.id, err: describeError(error) },
        'discord: the box could not take an event',
      );
      note = 'The box could not take this request right now. Please try again in a moment.';
    }
    try {
      if (note === undefined) await api.callback(interaction.id, interaction.token, Callback.Defer).run();
      else await api.callback(interaction.id, interaction.token, Callback.Reply, { content: note }).run();
    } finally {
      acknowledge?.();
    }
  }

  /** Hand an event to the sink; tell the user when it could not be taken. */
  async #hand(sink: EventSink, event: InboundEvent, interaction: DiscordInteraction): Promise<void> {
    let note: string | undefined;
    try {
      const result = await sink(event);
      if (result.status === 'ignored') note = result.reason;
      if (result.status === 'duplicate')
        this.deps.logger.info({ eventId: event.id }, 'discord: duplicate event dropped by the bus');
    } catch (error) {
      this.deps.logger.error(
        { eventId: event.id, err: describeError(error) },
        'discord: the box could not take an event',
      );
      note = 'The box could not take this request right now. Please try again in a moment.';
    }
    if (note === undefined) return;
    const { api } = this.deps;
    const body = { content: note };
    const operation =
      interaction.kind === 'command'
        ? api.editOriginal(interaction.applicationId, interaction.token, body)
        : api.followUp(interaction.applicationId, interaction.token, { ...body, flags: EPHEMERAL });
    await operation.run();
  }

  #message(d: unknown): void {
    const botId = this.#botId;
    const message = parseMessage(d);
    if (message === undefined || botId === undefined) return;
    const event = messageEvent(message, botId, this.deps.now());
    if (event === undefined || this.#recent.seen(message.id)) return;
    const sink = this.deps.sink();
    if (sink === undefined) return;
    this.deps.api
      .typing(message.channelId)
      .run()
      .catch(() => {});
    sink(event).then(
      (result) => {
        if (result.status === 'ignored')
          this.deps.logger.info({ eventId: event.id, reason: result.reason }, 'discord: message ignored');
      },
      (error: unknown) => {
        const level = PlatformError.isInstance(error) ? 'warn' : 'error';
        this.deps.logger[level](
          { eventId: event.id, err: describeError(error) },
          'discord: the box could not take a message',
        );
      },
    );
  }
}
