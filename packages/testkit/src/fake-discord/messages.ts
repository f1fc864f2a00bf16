import { snowflake } from './snowflake';

/** A Discord user object as the API returns it. */
export interface ApiUser {
  readonly id: string;
  readonly username: string;
  readonly discriminator: string;
  readonly global_name: string | null;
  readonly avatar: string | null;
  readonly bot?: boolean;
}

/** A message object with every field discord.js needs to build a Message. */
export interface ApiMessage {
  id: string;
  channel_id: string;
  author: ApiUser;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: ApiUser[];
  mention_roles: string[];
  attachments: unknown[];
  embeds: unknown[];
  pinned: boolean;
  type: number;
  flags: number;
  components: unknown[];
  webhook_id?: string;
  application_id?: string;
  message_reference?: unknown;
}

/** A message the fake holds, with every version it had. */
export interface StoredMessage {
  readonly id: string;
  readonly channelId: string;
  /** How it was made: the interaction's original response, a follow-up, or a plain channel message. */
  readonly via: 'original' | 'followup' | 'channel';
  readonly interactionId: string | undefined;
  readonly ephemeral: boolean;
  object: ApiMessage;
  /** Every content the message had, oldest first. */
  readonly versions: string[];
  /** The `allowed_mentions` of each create or edit, as sent (undefined when absent). */
  readonly allowedMentions: unknown[];
}

/** A 400 answer Discord gives for a bad body. */
export interface ApiFailure {
  readonly status: number;
  readonly body: { readonly message: string; readonly code: number; readonly errors?: unknown };
}

const invalidForm = (errors: Record<string, string>): ApiFailure => ({
  status: 400,
  body: {
    message: 'Invalid Form Body',
    code: 50035,
    errors: Object.fromEntries(
      Object.entries(errors).map(([field, message]) => [
        field,
        { _errors: [{ code: 'BASE_TYPE_INVALID', message }] },
      ]),
    ),
  },
});

/** Discord's message length limit. */
export const MAX_CONTENT = 2000;

interface MessageBody {
  readonly content?: unknown;
  readonly embeds?: unknown;
  readonly components?: unknown;
  readonly allowed_mentions?: unknown;
  readonly flags?: unknown;
}

/** Check a create or edit body the way Discord does; a failure is the 400 Discord would send. */
export function validateMessageBody(body: unknown, creating: boolean): ApiFailure | undefined {
  if (typeof body !== 'object' || body === null) return invalidForm({ _: 'Expected a JSON object.' });
  const message = body as MessageBody;
  const errors: Record<string, string> = {};
  if (message.content !== undefined && message.content !== null) {
    if (typeof message.content !== 'string') errors['content'] = 'Must be a string.';
    else if ([...message.content].length > MAX_CONTENT)
      errors['content'] = `Must be ${MAX_CONTENT} or fewer in length.`;
  }
  checkEmbeds(message.embeds, errors);
  checkComponents(message.components, errors);
  checkAllowedMentions(message.allowed_mentions, errors);
  if (Object.keys(errors).length > 0) return invalidForm(errors);
  if (creating) {
    const hasContent = typeof message.content === 'string' && message.content.trim().length > 0;
    const hasEmbeds = Array.isArray(message.embeds) && message.embeds.length > 0;
    const hasComponents = Array.isArray(message.components) && message.components.length > 0;
    if (!hasContent && !hasEmbeds && !hasComponents) {
      return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
    }
  }
  return undefined;
}

function checkEmbeds(embeds: unknown, errors: Record<string, string>): void {
  if (embeds === undefined || embeds === null) return;
  if (!Array.isArray(embeds) || embeds.length > 10) {
    errors['embeds'] = 'Must be an array of at most 10 embeds.';
    return;
  }
  let total = 0;
  for (const [index, embed] of embeds.entries()) {
    if (typeof embed !== 'object' || embed === null) {
      errors[`embeds.${index}`] = 'Must be an object.';
      continue;
    }
    const { title, description, footer } = embed as {
      title?: unknown;
      description?: unknown;
      footer?: { text?: unknown };
    };
    const length = (value: unknown) => (typeof value === 'string' ? value.length : 0);
    if (length(title) > 256) errors[`embeds.${index}.title`] = 'Must be 256 or fewer in length.';
    if (length(description) > 4096)
      errors[`embeds.${index}.description`] = 'Must be 4096 or fewer in length.';
    if (length(footer?.text) > 2048)
      errors[`embeds.${index}.footer.text`] = 'Must be 2048 or fewer in length.';
    total += length(title) + length(description) + length(footer?.text);
  }
  if (total > 6000) errors['embeds'] = 'Embed size exceeds maximum size of 6000';
}

function checkComponents(components: unknown, errors: Record<string, string>): void {
  if (components === undefined || components === null) return;
  if (!Array.isArray(components) || components.length > 5) {
    errors['components'] = 'Must be an array of at most 5 action rows.';
    return;
  }
  const ids = new Set<string>();
  for (const [rowIndex, row] of components.entries()) {
    const { type, components: buttons } = (row ?? {}) as { type?: unknown; components?: unknown };
    if (type !== 1 || !Array.isArray(buttons) || buttons.length < 1 || buttons.length > 5) {
      errors[`components.${rowIndex}`] = 'An action row (type 1) holds 1 to 5 buttons.';
      continue;
    }
    for (const [index, button] of buttons.entries()) {
      const {
        type: kind,
        style,
        label,
        custom_id: customId,
        url,
      } = (button ?? {}) as Record<string, unknown>;
      const where = `components.${rowIndex}.components.${index}`;
      if (kind !== 2) errors[where] = 'Only buttons (type 2) are supported by this fake.';
      else if (typeof label === 'string' && label.length > 80)
        errors[`${where}.label`] = 'Must be 80 or fewer in length.';
      else if (style === 5) {
        if (typeof url !== 'string') errors[`${where}.url`] = 'A link button needs a url.';
      } else if (typeof customId !== 'string' || customId.length < 1 || customId.length > 100) {
        errors[`${where}.custom_id`] = 'Must be between 1 and 100 in length.';
      } else if (ids.has(customId)) {
        errors[`${where}.custom_id`] = 'Component custom id cannot be duplicated';
      } else ids.add(customId);
    }
  }
}

function checkAllowedMentions(allowed: unknown, errors: Record<string, string>): void {
  if (allowed === undefined || allowed === null) return;
  if (typeof allowed !== 'object') {
    errors['allowed_mentions'] = 'Must be an object.';
    return;
  }
  const { parse, users, roles } = allowed as { parse?: unknown; users?: unknown; roles?: unknown };
  if (
    parse !== undefined &&
    (!Array.isArray(parse) || parse.some((kind) => !['users', 'roles', 'everyone'].includes(kind)))
  ) {
    errors['allowed_mentions.parse'] = 'Must be a list of users, roles, everyone.';
  }
  if (Array.isArray(parse) && parse.includes('users') && Array.isArray(users) && users.length > 0) {
    errors['allowed_mentions'] = 'parse:["users"] and users: [ids...] are mutually exclusive.';
  }
  if (Array.isArray(parse) && parse.includes('roles') && Array.isArray(roles) && roles.length > 0) {
    errors['allowed_mentions'] = 'parse:["roles"] and roles: [ids...] are mutually exclusive.';
  }
}

/** Who a message would ping, by Discord's rules: everything unless `allowed_mentions` narrows it. */
export function resolveMentions(
  content: string,
  allowed: unknown,
): { mention_everyone: boolean; mentions: ApiUser[]; mention_roles: string[] } {
  const rules = (typeof allowed === 'object' && allowed !== null ? allowed : undefined) as
    | { parse?: string[]; users?: string[]; roles?: string[] }
    | undefined;
  const parses = (kind: string) => rules === undefined || (rules.parse ?? []).includes(kind);
  const userIds = [...content.matchAll(/<@!?(\d+)>/g)].map((match) => match[1] ?? '');
  const roleIds = [...content.matchAll(/<@&(\d+)>/g)].map((match) => match[1] ?? '');
  return {
    mention_everyone: /@(everyone|here)/.test(content) && parses('everyone'),
    mentions: userIds
      .filter((id) => parses('users') || (rules?.users ?? []).includes(id))
      .map((id) => ({
        id,
        username: `user${id.slice(-4)}`,
        discriminator: '0',
        global_name: null,
        avatar: null,
      })),
    mention_roles: roleIds.filter((id) => parses('roles') || (rules?.roles ?? []).includes(id)),
  };
}

/** A new message object. */
export function newMessage(options: {
  readonly channelId: string;
  readonly author: ApiUser;
  readonly body: MessageBody & { readonly message_reference?: unknown };
  readonly applicationId?: string;
  readonly now: number;
}): ApiMessage {
  const content = typeof options.body.content === 'string' ? options.body.content : '';
  const flags = typeof options.body.flags === 'number' ? options.body.flags : 0;
  return {
    id: snowflake(),
    channel_id: options.channelId,
    author: options.author,
    content,
    timestamp: new Date(options.now).toISOString(),
    edited_timestamp: null,
    tts: false,
    ...resolveMentions(content, options.body.allowed_mentions),
    attachments: [],
    embeds: Array.isArray(options.body.embeds) ? options.body.embeds : [],
    pinned: false,
    type: options.applicationId === undefined ? 0 : 20,
    flags,
    components: Array.isArray(options.body.components) ? options.body.components : [],
    ...(options.applicationId === undefined
      ? {}
      : { webhook_id: options.applicationId, application_id: options.applicationId }),
    ...(options.body.message_reference === undefined
      ? {}
      : { message_reference: options.body.message_reference }),
  };
}

/** Apply an edit body to a message object (fields left out stay as they were). */
export function applyEdit(message: ApiMessage, body: MessageBody, now: number): void {
  if (typeof body.content === 'string') message.content = body.content;
  if (Array.isArray(body.embeds)) message.embeds = body.embeds;
  if (Array.isArray(body.components)) message.components = body.components;
  Object.assign(message, resolveMentions(message.content, body.allowed_mentions));
  message.edited_timestamp = new Date(now).toISOString();
}
