import { COMMANDS, type CommandSpec, type InboundEvent, parseCommand } from '@switchboard/core';
import { type DiscordAddress, toReplyAddress } from './address';
import type { PressReading } from './buttons';
import type { DiscordInteraction, DiscordMessage, DiscordUser } from './parse';

type Command = Extract<DiscordInteraction, { kind: 'command' }>;
type Press = Extract<DiscordInteraction, { kind: 'button' }>;

const conversation = (channelId: string, guildId: string | undefined) => ({
  platform: 'discord' as const,
  account: guildId ?? '@me',
  channel: channelId,
  direct: guildId === undefined,
});

const author = (user: DiscordUser, roles: readonly string[], admin = false) => ({
  platformUserId: user.id,
  displayName: user.displayName,
  ...(roles.length > 0 ? { roles } : {}),
  ...(admin ? { admin } : {}),
});

function interactionAddress(
  interaction: DiscordInteraction,
  kind: 'interaction' | 'action',
  receivedAt: number,
  decided?: string,
): DiscordAddress {
  return {
    kind,
    interactionId: interaction.id,
    token: interaction.token,
    applicationId: interaction.applicationId,
    channelId: interaction.channelId,
    guildId: interaction.guildId ?? null,
    userId: interaction.user.id,
    receivedAt,
    ...(decided === undefined ? {} : { decided }),
  };
}

/** The single free-text argument of a command, read from its option (`/ask prompt:` → the prompt). */
function argumentOf(interaction: Command): string {
  const spec = (COMMANDS as readonly CommandSpec[]).find((command) => command.name === interaction.name);
  const name = spec?.argument?.name;
  if (name !== undefined) return (interaction.options[name] ?? '').trim();
  return Object.values(interaction.options).join(' ').trim();
}

/** A slash command as an InboundEvent: `/ask prompt:hello` → `{ name: 'ask', args: 'hello' }`. */
export function commandEvent(interaction: Command, receivedAt: number): InboundEvent {
  const args = argumentOf(interaction);
  return {
    id: `discord:${interaction.id}`,
    kind: 'command',
    conversation: conversation(interaction.channelId, interaction.guildId),
    author: author(interaction.user, interaction.roles),
    text: `/${interaction.name}${args ? ` ${args}` : ''}`,
    command: { name: interaction.name, args },
    reply: toReplyAddress(interactionAddress(interaction, 'interaction', receivedAt)),
    receivedAt: new Date(receivedAt).toISOString(),
  };
}

/**
 * A button press as an `action` event: who pressed (an admin or not), whose request showed the button,
 * and in the reply address how the message reads once the agent accepts the press.
 */
export function actionEvent(
  press: Press,
  reading: Extract<PressReading, { kind: 'pass' }>,
  receivedAt: number,
): InboundEvent {
  return {
    id: `discord:${press.id}`,
    kind: 'action',
    conversation: conversation(press.channelId, press.guildId),
    author: author(press.user, press.roles, reading.admin),
    text: '',
    action: reading.action,
    reply: toReplyAddress(interactionAddress(press, 'action', receivedAt, reading.decided)),
    receivedAt: new Date(receivedAt).toISOString(),
  };
}

/**
 * A mention or DM as an InboundEvent, or undefined when it is not addressed to the bot: DMs, messages
 * mentioning the bot, and replies to the bot's messages count. The mention itself is cut from the text;
 * plain text is a question, `/status` and friends are commands.
 */
export function messageEvent(
  message: DiscordMessage,
  botId: string,
  receivedAt: number,
): InboundEvent | undefined {
  if (message.author.bot || message.author.id === botId) return undefined;
  const direct = message.guildId === undefined;
  const mention = new RegExp(`<@!?${botId}>`, 'g');
  const addressed =
    direct ||
    message.mentions.includes(botId) ||
    mention.test(message.content) ||
    message.repliesTo === botId;
  if (!addressed) return undefined;
  const text = message.content.replace(mention, ' ').replace(/\s+/g, ' ').trim();
  if (text.length === 0) return undefined;
  const command = parseCommand(text, { direct: true });
  const address: DiscordAddress = {
    kind: 'message',
    messageId: message.id,
    channelId: message.channelId,
    guildId: message.guildId ?? null,
    userId: message.author.id,
    receivedAt,
  };
  return {
    id: `discord:${message.id}`,
    kind: text.startsWith('/') ? 'command' : 'message',
    conversation: conversation(message.channelId, message.guildId),
    author: author(message.author, message.roles),
    text,
    ...(command ? { command } : {}),
    reply: toReplyAddress(address),
    receivedAt: new Date(receivedAt).toISOString(),
  };
}
