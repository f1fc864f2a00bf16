import {
  type CommandInvocation,
  type InboundEvent,
  parseCommand,
  resolveSubcommand,
} from '@switchboard/core';
import { encodeAddress, type SlackAddress } from './address';
import { escapeSlack, fromSlackText, stripMention } from './format';
import type { ThreadMemory } from './threads';

/** What normalizing needs to know about the bot and its threads. */
export interface NormalizeContext {
  readonly botUserId: string;
  /** The configured slash command, such as `/ask`. */
  readonly command: string;
  readonly threads: ThreadMemory;
  readonly now: () => Date;
}

/** A payload that makes no request (another bot's message, an edit, someone else's button). */
export interface Ignored {
  readonly ignored: string;
}

/** The longest question quoted in a slash command's anchor message. */
const ANCHOR_QUOTE_LENGTH = 2_800;
/** The longest button-message text kept to rewrite that message with the decision. */
const REPLACE_TEXT_LENGTH = 38_000;

type Loose = Readonly<Record<string, unknown>>;

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const obj = (value: unknown): Loose | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : undefined;

/** True when `value` is an {@link Ignored}. */
export function isIgnored<T extends object>(value: T | Ignored): value is Ignored {
  return 'ignored' in value;
}

/** `/ask status` and `@bot status` read the same way: the whole text is the argument of `/ask`. */
function commandOf(text: string): CommandInvocation {
  const parsed = parseCommand(text, { direct: true }) ?? { name: 'ask', args: '' };
  return resolveSubcommand(parsed);
}

/** The conversation's thread: a reply under a slash command's anchor continues the channel's conversation. */
function conversationThread(
  context: NormalizeContext,
  channel: string,
  threadTs: string | undefined,
): string | undefined {
  if (threadTs === undefined) return undefined;
  return context.threads.role(channel, threadTs) === 'anchor' ? undefined : threadTs;
}

/** A slash command (`/ask …`) → a `command` event; its answer goes in a thread under an anchor message. */
export function normalizeCommand(body: Loose, context: NormalizeContext): InboundEvent | Ignored {
  const team = str(body['team_id']);
  const channel = str(body['channel_id']);
  const user = str(body['user_id']);
  const triggerId = str(body['trigger_id']);
  const name = str(body['command'])?.toLowerCase();
  if (!team || !channel || !user || !triggerId || !name)
    return { ignored: 'slash command without team, channel, user or trigger' };
  if (name !== context.command) return { ignored: `this box answers ${context.command}, not ${name}` };
  const raw = typeof body['text'] === 'string' ? body['text'] : '';
  const args = fromSlackText(raw).trim();
  const displayName = str(body['user_name']) ?? user;
  const id = `slack:${team}:${triggerId}`;
  const command = resolveSubcommand({ name: 'ask', args });
  const quoted = args.length > ANCHOR_QUOTE_LENGTH ? `${args.slice(0, ANCHOR_QUOTE_LENGTH)}…` : args;
  const anchor =
    command.name === 'ask'
      ? `*${escapeSlack(displayName)}* asked: ${escapeSlack(quoted).replace(/@(here|channel|everyone)\b/gi, '@\u200B$1')}`
      : `*${escapeSlack(displayName)}* ran \`${escapeSlack(`${name} ${quoted}`.trim())}\``;
  const responseUrl = str(body['response_url']);
  const respond =
    responseUrl !== undefined && /^https?:\/\/[^\s]+$/.test(responseUrl) ? responseUrl : undefined;
  const address: SlackAddress = {
    team,
    channel,
    user,
    request: id,
    anchor,
    ...(respond === undefined ? {} : { respond }),
  };
  return {
    id,
    kind: 'command',
    conversation: { platform: 'slack', account: team, channel, direct: channel.startsWith('D') },
    author: { platformUserId: user, displayName },
    text: `${name} ${args}`.trim(),
    command,
    reply: encodeAddress(address),
    receivedAt: context.now().toISOString(),
  };
}

interface MessageFields {
  readonly team: string;
  readonly eventId: string;
  readonly channel: string;
  readonly user: string;
  readonly ts: string;
  readonly threadTs: string | undefined;
  readonly text: string;
  readonly displayName: string;
}

function messageFields(body: Loose, event: Loose): MessageFields | Ignored {
  const team =
    str(body['team_id']) ?? str(obj((body['authorizations'] as unknown[] | undefined)?.[0])?.['team_id']);
  const eventId = str(body['event_id']);
  const channel = str(event['channel']);
  const user = str(event['user']);
  const ts = str(event['ts']);
  if (!team || !eventId || !channel || !ts) return { ignored: 'event without team, id, channel or ts' };
  if (!user || str(event['bot_id']) !== undefined) return { ignored: 'message from a bot' };
  const profile = obj(event['user_profile']);
  const displayName =
    str(profile?.['display_name']) ?? str(profile?.['real_name']) ?? str(profile?.['name']) ?? user;
  const text = typeof event['text'] === 'string' ? event['text'] : '';
  return { team, eventId, channel, user, ts, threadTs: str(event['thread_ts']), text, displayName };
}

function messageEvent(
  fields: MessageFields,
  text: string,
  direct: boolean,
  context: NormalizeContext,
): InboundEvent {
  const id = `slack:${fields.team}:${fields.eventId}`;
  const replyThread = fields.threadTs ?? fields.ts;
  const thread = conversationThread(context, fields.channel, replyThread);
  const address: SlackAddress = {
    team: fields.team,
    channel: fields.channel,
    thread: replyThread,
    user: fields.user,
    request: id,
  };
  return {
    id,
    kind: text.startsWith('/') ? 'command' : 'message',
    conversation: {
      platform: 'slack',
      account: fields.team,
      channel: fields.channel,
      ...(thread === undefined ? {} : { thread }),
      direct,
    },
    author: { platformUserId: fields.user, displayName: fields.displayName },
    text,
    command: commandOf(text),
    reply: encodeAddress(address),
    receivedAt: context.now().toISOString(),
  };
}

/** `app_mention` in a channel → a request answered in the mention's thread. */
export function normalizeMention(
  body: Loose,
  event: Loose,
  context: NormalizeContext,
): InboundEvent | Ignored {
  const fields = messageFields(body, event);
  if (isIgnored(fields)) return fields;
  if (str(event['subtype']) !== undefined)
    return { ignored: `app_mention subtype ${String(event['subtype'])}` };
  const text = fromSlackText(stripMention(fields.text, context.botUserId)).trim();
  if (text === '') return { ignored: 'a mention without a question' };
  context.threads.mark(fields.channel, fields.threadTs ?? fields.ts, 'engaged');
  return messageEvent(fields, text, false, context);
}

const HANDLED_SUBTYPES = new Set(['thread_broadcast', 'file_share']);

/**
 * A `message` event: every direct message is a request; in channels only replies in a thread the bot
 * takes part in (its anchor, a thread it answered in, or a thread under one of its messages). Messages
 * that mention the bot are left to `app_mention`, so one message never makes two requests.
 */
export function normalizeMessage(
  body: Loose,
  event: Loose,
  context: NormalizeContext,
): InboundEvent | Ignored {
  const subtype = str(event['subtype']);
  if (subtype !== undefined && !HANDLED_SUBTYPES.has(subtype))
    return { ignored: `message subtype ${subtype}` };
  const fields = messageFields(body, event);
  if (isIgnored(fields)) return fields;
  const channelType = str(event['channel_type']);
  const direct = channelType === 'im' || (channelType === undefined && fields.channel.startsWith('D'));
  if (!direct) {
    if (fields.threadTs === undefined) return { ignored: 'channel message outside a thread' };
    if (fields.text.includes(`<@${context.botUserId}`))
      return { ignored: 'mentions the bot: handled as app_mention' };
    const ours =
      context.threads.role(fields.channel, fields.threadTs) !== undefined ||
      str(event['parent_user_id']) === context.botUserId;
    if (!ours) return { ignored: 'a thread the bot is not part of' };
  }
  const text = fromSlackText(stripMention(fields.text, context.botUserId)).trim();
  if (text === '') return { ignored: 'an empty message' };
  return messageEvent(fields, text, direct, context);
}

/** The action ids the adapter gives its buttons: `<button id>#<index>`. */
export function actionIdFor(buttonId: string, index: number): string {
  return `${buttonId}#${index}`;
}

/** A button press (`block_actions`) on one of the adapter's buttons → an `action` event. */
export function normalizeAction(body: Loose, context: NormalizeContext): InboundEvent | Ignored {
  const action = obj((body['actions'] as unknown[] | undefined)?.[0]);
  const team = str(obj(body['team'])?.['id']) ?? str(obj(body['user'])?.['team_id']);
  const userObject = obj(body['user']);
  const user = str(userObject?.['id']);
  const container = obj(body['container']);
  const message = obj(body['message']);
  const channel = str(obj(body['channel'])?.['id']) ?? str(container?.['channel_id']);
  const messageTs = str(message?.['ts']) ?? str(container?.['message_ts']);
  const actionId = str(action?.['action_id']);
  const value = typeof action?.['value'] === 'string' ? action['value'] : undefined;
  if (!action || !team || !user || !channel || !messageTs || !actionId || value === undefined) {
    return { ignored: 'block_actions without team, user, channel, message or action' };
  }
  const match = /^([\w-]+)#\d+$/.exec(actionId);
  if (!match) return { ignored: `not one of Switchboard's buttons (${actionId.slice(0, 40)})` };
  const buttonId = match[1] ?? '';
  const unique = str(body['trigger_id']) ?? str(action['action_ts']) ?? `${messageTs}:${actionId}`;
  const id = `slack:${team}:${unique}`;
  const threadTs = str(message?.['thread_ts']) ?? str(container?.['thread_ts']);
  const shown = typeof message?.['text'] === 'string' ? message['text'] : '';
  const displayName = str(userObject?.['name']) ?? str(userObject?.['username']) ?? user;
  const thread = conversationThread(context, channel, threadTs);
  const address: SlackAddress = {
    team,
    channel,
    ...(threadTs === undefined ? {} : { thread: threadTs }),
    user,
    request: id,
    replace: { ts: messageTs, text: shown.slice(0, REPLACE_TEXT_LENGTH) },
  };
  const label = str(obj(action['text'])?.['text']) ?? value;
  return {
    id,
    kind: 'action',
    conversation: {
      platform: 'slack',
      account: team,
      channel,
      ...(thread === undefined ? {} : { thread }),
      direct: channel.startsWith('D'),
    },
    author: { platformUserId: user, displayName },
    text: label,
    action: { id: buttonId, value },
    reply: encodeAddress(address),
    receivedAt: context.now().toISOString(),
  };
}
