/**
 * Strict readers for the raw gateway payloads the adapter acts on. Anything that does not match what
 * Discord documents is dropped here (`undefined`), so a malformed dispatch can never throw further in.
 */

/** A user as the adapter needs them. */
export interface DiscordUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly bot: boolean;
}

interface InteractionCommon {
  readonly id: string;
  readonly token: string;
  readonly applicationId: string;
  readonly channelId: string;
  /** Undefined in DMs. */
  readonly guildId: string | undefined;
  readonly user: DiscordUser;
  /** The member's role ids (guild only). */
  readonly roles: readonly string[];
  /** The member's computed permissions in the channel (guild only). */
  readonly permissions: bigint | undefined;
}

/** A slash command, an autocomplete request or a button press. */
export type DiscordInteraction =
  | (InteractionCommon & {
      readonly kind: 'command';
      readonly name: string;
      readonly options: Readonly<Record<string, string>>;
    })
  | (InteractionCommon & {
      readonly kind: 'autocomplete';
      readonly name: string;
      readonly focused: { readonly name: string; readonly value: string };
    })
  | (InteractionCommon & {
      readonly kind: 'button';
      readonly customId: string;
      readonly message: { readonly id: string; readonly content: string };
    });

/** A message posted in a channel or DM. */
export interface DiscordMessage {
  readonly id: string;
  readonly channelId: string;
  readonly guildId: string | undefined;
  readonly author: DiscordUser;
  readonly content: string;
  readonly roles: readonly string[];
  /** Ids of the users the message mentions. */
  readonly mentions: readonly string[];
  /** The author of the message this one replies to, when it is a reply. */
  readonly repliesTo: string | undefined;
}

type Json = Record<string, unknown>;

const SNOWFLAKE = /^\d{1,20}$/;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const id = (value: unknown): string | undefined =>
  typeof value === 'string' && SNOWFLAKE.test(value) ? value : undefined;
const text = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.length <= max ? value : undefined;

function user(value: unknown): DiscordUser | undefined {
  if (!isObject(value)) return undefined;
  const userId = id(value['id']);
  const username = text(value['username'], 64);
  if (userId === undefined || username === undefined) return undefined;
  const globalName = text(value['global_name'], 64);
  return { id: userId, username, displayName: globalName || username, bot: value['bot'] === true };
}

function roles(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 500) return undefined;
  const list = value.map(id);
  return list.every((role) => role !== undefined) ? (list as string[]) : undefined;
}

function permissions(value: unknown): bigint | undefined {
  return typeof value === 'string' && /^\d{1,30}$/.test(value) ? BigInt(value) : undefined;
}

function common(d: Json): InteractionCommon | undefined {
  const interactionId = id(d['id']);
  const token = text(d['token'], 1000);
  const applicationId = id(d['application_id']);
  const channelId = id(d['channel_id']) ?? (isObject(d['channel']) ? id(d['channel']['id']) : undefined);
  if (interactionId === undefined || !token || applicationId === undefined || channelId === undefined)
    return undefined;
  const guildId = d['guild_id'] === undefined ? undefined : id(d['guild_id']);
  if (d['guild_id'] !== undefined && guildId === undefined) return undefined;
  if (guildId !== undefined) {
    const member = d['member'];
    if (!isObject(member)) return undefined;
    const author = user(member['user']);
    const memberRoles = roles(member['roles']);
    if (author === undefined || memberRoles === undefined) return undefined;
    return {
      id: interactionId,
      token,
      applicationId,
      channelId,
      guildId,
      user: author,
      roles: memberRoles,
      permissions: permissions(member['permissions']),
    };
  }
  const author = user(d['user']);
  if (author === undefined) return undefined;
  return {
    id: interactionId,
    token,
    applicationId,
    channelId,
    guildId,
    user: author,
    roles: [],
    permissions: undefined,
  };
}

function options(
  value: unknown,
): { values: Record<string, string>; focused?: { name: string; value: string } } | undefined {
  if (value === undefined) return { values: {} };
  if (!Array.isArray(value) || value.length > 25) return undefined;
  const values: Record<string, string> = {};
  let focused: { name: string; value: string } | undefined;
  for (const option of value) {
    if (!isObject(option)) return undefined;
    const name = text(option['name'], 32);
    const raw = option['value'];
    if (!name || !['string', 'number', 'boolean'].includes(typeof raw)) return undefined;
    const optionValue = String(raw);
    if (optionValue.length > 6000) return undefined;
    values[name] = optionValue;
    if (option['focused'] === true) focused = { name, value: optionValue };
  }
  return focused ? { values, focused } : { values };
}

/** Read an INTERACTION_CREATE payload; undefined when malformed or of a kind the adapter does not handle. */
export function parseInteraction(d: unknown): DiscordInteraction | undefined {
  if (!isObject(d)) return undefined;
  const base = common(d);
  const data = d['data'];
  if (base === undefined || !isObject(data)) return undefined;
  if (d['type'] === 2 || d['type'] === 4) {
    const name = text(data['name'], 32);
    const parsed = options(data['options']);
    if (!name || parsed === undefined) return undefined;
    if (d['type'] === 2) return { ...base, kind: 'command', name, options: parsed.values };
    return parsed.focused ? { ...base, kind: 'autocomplete', name, focused: parsed.focused } : undefined;
  }
  if (d['type'] === 3) {
    const customId = text(data['custom_id'], 100);
    const message = d['message'];
    if (!customId || data['component_type'] !== 2 || !isObject(message)) return undefined;
    const messageId = id(message['id']);
    const content = text(message['content'], 4000);
    if (messageId === undefined || content === undefined) return undefined;
    return { ...base, kind: 'button', customId, message: { id: messageId, content } };
  }
  return undefined;
}

/** Read a MESSAGE_CREATE payload; undefined when malformed. */
export function parseMessage(d: unknown): DiscordMessage | undefined {
  if (!isObject(d)) return undefined;
  const messageId = id(d['id']);
  const channelId = id(d['channel_id']);
  const author = user(d['author']);
  const content = text(d['content'], 4000);
  if (messageId === undefined || channelId === undefined || author === undefined || content === undefined)
    return undefined;
  const guildId = d['guild_id'] === undefined ? undefined : id(d['guild_id']);
  if (d['guild_id'] !== undefined && guildId === undefined) return undefined;
  const member = d['member'];
  const memberRoles = isObject(member) ? roles(member['roles']) : [];
  if (memberRoles === undefined) return undefined;
  const mentionList = d['mentions'] ?? [];
  if (!Array.isArray(mentionList) || mentionList.length > 100) return undefined;
  const mentions = mentionList
    .map((mention) => (isObject(mention) ? id(mention['id']) : undefined))
    .filter((value) => value !== undefined);
  const referenced = d['referenced_message'];
  const repliesTo =
    isObject(referenced) && isObject(referenced['author']) ? id(referenced['author']['id']) : undefined;
  return { id: messageId, channelId, guildId, author, content, roles: memberRoles, mentions, repliesTo };
}

/** The bot's own user id from a READY payload; undefined when READY is malformed. */
export function parseReady(d: unknown): { readonly userId: string } | undefined {
  if (!isObject(d) || !isObject(d['user']) || typeof d['session_id'] !== 'string') return undefined;
  const userId = id(d['user']['id']);
  return userId === undefined ? undefined : { userId };
}
