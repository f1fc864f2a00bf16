import { inviteUrl } from '@switchboard/adapter-discord';
import { loadConfig } from '@switchboard/core';

const USAGE = `Usage: switchboard discord invite

  invite    print the URL that adds the bot to a server (scopes bot + applications.commands)`;

/** Where `switchboard discord` reads settings and writes its answer; tests pass their own. */
export interface DiscordCliIo {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly print?: (line: string) => void;
}

/** `switchboard discord invite`: the invite URL and what to do with it. */
export async function runDiscord(args: readonly string[], io: DiscordCliIo = {}): Promise<number> {
  const print = io.print ?? ((line: string) => console.log(line));
  const [subcommand] = args;
  if (subcommand !== 'invite') {
    print(subcommand === undefined ? USAGE : `Unknown subcommand "${subcommand}".\n\n${USAGE}`);
    return subcommand === undefined ? 0 : 2;
  }
  const config = loadConfig(io.env ? { env: io.env, file: false } : {});
  const discord = config.platforms.discord;
  if (discord === undefined) {
    print(
      'Discord is not configured. Set DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID (Developer Portal → your application → Bot and General Information), then run this again.',
    );
    return 1;
  }
  print(
    `Open this URL to add the bot to a server${discord.guildId ? ` (preselected: ${discord.guildId})` : ''}:\n`,
  );
  print(inviteUrl(discord.applicationId, discord.guildId));
  print(
    `\nIt asks for the scopes "bot" and "applications.commands" and the permissions View Channels, Send Messages, Send Messages in Threads, Embed Links and Read Message History.`,
  );
  print(
    discord.guildId
      ? 'Slash commands are registered in that server when the box starts, and appear at once.'
      : 'Slash commands are registered globally when the box starts; set DISCORD_GUILD_ID to register them in one server instantly.',
  );
  return 0;
}
