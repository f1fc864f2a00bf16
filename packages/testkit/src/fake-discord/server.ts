import { randomBytes } from 'node:crypto';
import { listen } from '../http';
import { CallLog, type RecordedCall } from './call-log';
import { type Disruption, FakeGateway, type GatewayFrame } from './gateway';
import type { ApiMessage, ApiUser, StoredMessage } from './messages';
import {
  buttonData,
  commandData,
  type FakeActor,
  type FakePlace,
  interactionBase,
  messagePayload,
  user,
} from './payloads';
import { type BucketSettings, RateLimiter } from './rate-limits';
import { createRestHandler } from './rest';
import { snowflake } from './snowflake';
import { type FakeInteraction, FakeState } from './state';

/** Settings of {@link startFakeDiscord}. Every one has a realistic default. */
export interface FakeDiscordOptions {
  readonly token?: string;
  readonly applicationId?: string;
  /** Heartbeat interval sent in HELLO (Discord: about 41 s; tests use a few hundred ms). */
  readonly heartbeatIntervalMs?: number;
  /** Privileged intents the bot has enabled (bits); IDENTIFY asking for others is closed with 4014. */
  readonly privilegedIntents?: number;
  /** How long after creation an interaction accepts its first callback (Discord: 3 s). Wall time. */
  readonly ackDeadlineMs?: number;
  /** How long an interaction token works for webhooks (Discord: 15 min). Measured on `now`. */
  readonly tokenLifetimeMs?: number;
  /** The clock for token lifetimes and timestamps; tests pass a fake clock. Defaults to `Date.now`. */
  readonly now?: () => number;
  /** Message routes' buckets, per token or channel (default 5 per 5 s, like Discord's observed edit bucket). */
  readonly rateLimit?: BucketSettings;
  /** On RESUME, also replay this many already-seen events, to exercise deduplication. */
  readonly replayOverlap?: number;
}

/** The default guild, channel and people of the fake. */
export interface FakeWorld {
  readonly guildId: string;
  readonly channelId: string;
  readonly dmChannelId: string;
  readonly alice: ApiUser;
  readonly bob: ApiUser;
  readonly admin: ApiUser;
}

/** What a test passes to make an interaction or a message. */
export interface ActOptions {
  /** Who acts (default Alice). */
  readonly actor?: FakeActor;
  /** Where (default the guild's channel). Pass `{ channelId: world.dmChannelId, guildId: undefined }` for a DM. */
  readonly place?: FakePlace;
}

/** A running fake Discord: REST API and gateway on one loopback port. */
export interface FakeDiscord {
  /** The REST root to give discord.js as `rest.api` (it appends `/v10`). */
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: ApiUser;
  readonly world: FakeWorld;
  /** Every REST call, in order. */
  readonly calls: readonly RecordedCall[];
  readonly log: CallLog;
  readonly gateway: FakeGateway;
  readonly frames: readonly GatewayFrame[];
  readonly interactions: ReadonlyMap<string, FakeInteraction>;
  readonly messages: ReadonlyMap<string, StoredMessage>;
  /** Commands registered globally and per guild. */
  readonly commands: {
    readonly global: readonly unknown[];
    readonly guilds: ReadonlyMap<string, readonly unknown[]>;
  };
  /** Create an interaction and dispatch INTERACTION_CREATE (type 2). */
  slashCommand(name: string, options?: Readonly<Record<string, string>>, act?: ActOptions): FakeInteraction;
  /** Dispatch an autocomplete interaction (type 4) for `option` typed so far as `value`. */
  autocomplete(name: string, option: string, value: string, act?: ActOptions): FakeInteraction;
  /** Press a button on a message the bot sent. */
  pressButton(message: StoredMessage | ApiMessage, customId: string, act?: ActOptions): FakeInteraction;
  /** Dispatch MESSAGE_CREATE: someone writes in a channel (mentioning the bot when `mention` is true). */
  say(content: string, act?: ActOptions & { readonly mention?: boolean }): ApiMessage;
  /** Dispatch any event (for malformed payloads). */
  dispatch(t: string, d: unknown): number;
  /** Break the gateway connection. */
  disrupt(disruption: Disruption): void;
  /** Answer the next `count` requests matching `path` with a 429. */
  rateLimitNext(
    path: RegExp,
    options: {
      readonly retryAfterMs: number;
      readonly method?: string;
      readonly global?: boolean;
      readonly count?: number;
    },
  ): void;
  /** The messages of a channel, oldest first (ephemeral ones left out). */
  channelMessages(channelId: string): StoredMessage[];
  /** What a reader sees of an interaction's answer: its original response, follow-ups, and channel messages after it. */
  transcript(interaction: FakeInteraction): StoredMessage[];
  waitFor(
    predicate: (call: RecordedCall) => boolean,
    timeoutMs?: number,
    what?: string,
  ): Promise<RecordedCall>;
  close(): Promise<void>;
}

/** Start a fake Discord (REST API v10 and gateway) on 127.0.0.1. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = options.token ?? `fake.${randomBytes(12).toString('base64url')}.token`;
  const applicationId = options.applicationId ?? snowflake();
  const now = options.now ?? Date.now;
  const botUser = user(applicationId, 'switchboard', true);
  const world: FakeWorld = {
    guildId: snowflake(),
    channelId: snowflake(),
    dmChannelId: snowflake(),
    alice: user(snowflake(), 'alice'),
    bob: user(snowflake(), 'bob'),
    admin: user(snowflake(), 'admin'),
  };
  const state = new FakeState();
  const log = new CallLog();
  const limiter = new RateLimiter(options.rateLimit ?? { limit: 5, windowMs: 5000 });
  let gateway: FakeGateway | undefined;
  const server = await listen(
    createRestHandler({
      state,
      log,
      limiter,
      token,
      applicationId,
      botUser,
      now,
      ackDeadlineMs: options.ackDeadlineMs ?? 3000,
      tokenLifetimeMs: options.tokenLifetimeMs ?? 15 * 60_000,
      gatewayUrl: () => gateway?.url ?? '',
    }),
  );
  gateway = new FakeGateway(server.server, {
    token,
    applicationId,
    botUser,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    privilegedIntents: options.privilegedIntents ?? 0,
    replayOverlap: options.replayOverlap ?? 0,
  });
  const gatewayUrl = `ws://127.0.0.1:${server.port}/gateway`;
  gateway.url = gatewayUrl;
  const live = gateway;
  const commandIds = new Map<string, string>();

  const interact = (
    type: number,
    data: unknown,
    act: ActOptions,
    extra: Record<string, unknown> = {},
  ): FakeInteraction => {
    const actor = act.actor ?? { user: world.alice };
    const place = act.place ?? { channelId: world.channelId, guildId: world.guildId };
    const id = snowflake();
    const interactionToken = `itok-${randomBytes(24).toString('base64url')}`;
    const payload = {
      ...interactionBase({ id, token: interactionToken, applicationId, type, actor, place }),
      data,
      ...extra,
    };
    const interaction: FakeInteraction = {
      id,
      token: interactionToken,
      type,
      channelId: place.channelId,
      guildId: place.guildId,
      user: actor.user,
      payload,
      createdAt: now(),
      createdAtReal: Date.now(),
      responses: [],
      duplicateResponses: [],
      originalId: undefined,
      followUpIds: [],
    };
    state.addInteraction(interaction);
    live.dispatch('INTERACTION_CREATE', payload);
    return interaction;
  };
  const commandId = (name: string) => {
    let id = commandIds.get(name);
    if (id === undefined) {
      id = snowflake();
      commandIds.set(name, id);
    }
    return id;
  };

  return {
    apiUrl: `${server.url}/api`,
    gatewayUrl,
    token,
    applicationId,
    botUser,
    world,
    get calls() {
      return log.calls;
    },
    log,
    gateway: live,
    get frames() {
      return live.frames;
    },
    interactions: state.interactions,
    messages: state.messages,
    commands: state.commands,
    slashCommand: (name, commandOptions = {}, act = {}) =>
      interact(2, commandData(commandId(name), name, commandOptions), act),
    autocomplete: (name, option, value, act = {}) =>
      interact(4, commandData(commandId(name), name, { [option]: value }, option), act),
    pressButton(message, customId, act = {}) {
      const object = 'object' in message ? message.object : message;
      return interact(3, buttonData(customId), act, { message: object });
    },
    say(content, act = {}) {
      const actor = act.actor ?? { user: world.alice };
      const place = act.place ?? { channelId: world.channelId, guildId: world.guildId };
      const text = act.mention ? `<@${botUser.id}> ${content}` : content;
      const payload = messagePayload({
        id: snowflake(),
        content: text,
        actor,
        place,
        mentions: act.mention ? [botUser] : [],
        timestamp: new Date(now()).toISOString(),
      });
      live.dispatch('MESSAGE_CREATE', payload);
      return payload;
    },
    dispatch: (t, d) => live.dispatch(t, d),
    disrupt: (disruption) => live.disrupt(disruption),
    rateLimitNext(path, limit) {
      limiter.injected.push({
        method: limit.method,
        path,
        retryAfterMs: limit.retryAfterMs,
        global: limit.global ?? false,
        remaining: limit.count ?? 1,
      });
    },
    channelMessages: (channelId) => state.channelMessages(channelId),
    transcript(interaction) {
      const own = [interaction.originalId, ...interaction.followUpIds]
        .map((id) => (id === undefined ? undefined : state.messages.get(id)))
        .filter((message): message is StoredMessage => message !== undefined);
      const after = state
        .channelMessages(interaction.channelId)
        .filter((message) => message.via === 'channel' && BigInt(message.id) > BigInt(interaction.id));
      return [...own, ...after].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    },
    waitFor: (predicate, timeoutMs, what) => log.waitFor(predicate, timeoutMs, what),
    async close() {
      await live.close();
      await server.close();
    },
  };
}
