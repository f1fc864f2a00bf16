import { OAuth2Scopes, PermissionFlagsBits } from 'discord.js';

/** What the bot needs in a server: see channels, send and read messages (also in threads), embed its footer. */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory;

/**
 * The URL that adds the bot to a server with the scopes `bot` and `applications.commands` and the
 * permissions above. With `guildId`, Discord preselects that server.
 */
export function inviteUrl(applicationId: string, guildId?: string): string {
  const params = new URLSearchParams({
    client_id: applicationId,
    scope: [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(' '),
    permissions: BOT_PERMISSIONS.toString(),
    integration_type: '0',
  });
  if (guildId !== undefined) {
    params.set('guild_id', guildId);
    params.set('disable_guild_select', 'true');
  }
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}
