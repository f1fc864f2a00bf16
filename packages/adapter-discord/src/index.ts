export { createDiscordAdapter } from './adapter';
export type { DiscordAddress } from './address';
export { type BackoffSettings, IdentifyBackoff } from './backoff';
export { slashCommands } from './commands';
export { BOT_PERMISSIONS, inviteUrl } from './invite';
export type { DiscordAdapterOptions } from './options';
