import type { ApiMessage, ApiUser } from './messages';

/** Administrator permission bit. */
export const ADMINISTRATOR = 1n << 3n;
/** A member's usual permissions (view, send, read history, use application commands…), no Administrator. */
export const MEMBER_PERMISSIONS = 0x0000_0008_0000_0000n | 0x400n | 0x800n | 0x10000n | 0x8000_0000n;

/** Who acts in a fake event. */
export interface FakeActor {
  readonly user: ApiUser;
  /** Role ids (guild only). */
  readonly roles?: readonly string[];
  /** Permission bits as Discord computes them for the member in the channel (guild only). */
  readonly permissions?: bigint;
}

/** Where a fake event happens: a guild channel, or a DM when `guildId` is undefined. */
export interface FakePlace {
  readonly channelId: string;
  readonly guildId: string | undefined;
}

/** A user object. */
export function user(id: string, username: string, bot = false): ApiUser {
  return {
    id,
    username,
    discriminator: '0',
    global_name: username[0]?.toUpperCase() + username.slice(1),
    avatar: null,
    ...(bot ? { bot: true } : {}),
  };
}

function member(actor: FakeActor) {
  return {
    user: actor.user,
    roles: [...(actor.roles ?? [])],
    joined_at: '2024-01-01T00:00:00.000000+00:00',
    premium_since: null,
    nick: null,
    avatar: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
    permissions: String(actor.permissions ?? MEMBER_PERMISSIONS),
  };
}

/** The fields every INTERACTION_CREATE carries, for a guild channel or a DM. */
export function interactionBase(options: {
  readonly id: string;
  readonly token: string;
  readonly applicationId: string;
  readonly type: number;
  readonly actor: FakeActor;
  readonly place: FakePlace;
}): Record<string, unknown> {
  const { place, actor } = options;
  const inGuild = place.guildId !== undefined;
  return {
    id: options.id,
    application_id: options.applicationId,
    type: options.type,
    token: options.token,
    version: 1,
    channel_id: place.channelId,
    channel: inGuild
      ? { id: place.channelId, type: 0, guild_id: place.guildId, name: 'general' }
      : { id: place.channelId, type: 1, recipients: [actor.user] },
    ...(inGuild
      ? { guild_id: place.guildId, member: member(actor), guild_locale: 'en-US' }
      : { user: actor.user }),
    app_permissions: '562949953421311',
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': place.guildId ?? '0' },
    context: inGuild ? 0 : 1,
    attachment_size_limit: 10_485_760,
  };
}

/** `data` of a slash command with string options. */
export function commandData(
  commandId: string,
  name: string,
  options: Readonly<Record<string, string>>,
  focused?: string,
) {
  return {
    id: commandId,
    name,
    type: 1,
    options: Object.entries(options).map(([optionName, value]) => ({
      name: optionName,
      type: 3,
      value,
      ...(focused === optionName ? { focused: true } : {}),
    })),
  };
}

/** `data` of a button press. */
export function buttonData(customId: string) {
  return { custom_id: customId, component_type: 2 };
}

/** A MESSAGE_CREATE payload. */
export function messagePayload(options: {
  readonly id: string;
  readonly content: string;
  readonly actor: FakeActor;
  readonly place: FakePlace;
  readonly mentions: readonly ApiUser[];
  readonly timestamp: string;
}): ApiMessage & Record<string, unknown> {
  const { place, actor } = options;
  const guildMember =
    place.guildId === undefined
      ? {}
      : { guild_id: place.guildId, member: { ...member(actor), user: undefined } };
  return {
    id: options.id,
    channel_id: place.channelId,
    author: actor.user,
    content: options.content,
    timestamp: options.timestamp,
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [...options.mentions],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
    flags: 0,
    components: [],
    nonce: options.id,
    ...guildMember,
  };
}
