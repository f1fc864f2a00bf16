import type { Logger, SwitchboardError } from '@switchboard/core';
import type { BackoffSettings } from './backoff';

/** Settings of {@link createDiscordAdapter}; the first five come from the DISCORD_* variables. */
export interface DiscordAdapterOptions {
  /** DISCORD_BOT_TOKEN. */
  readonly botToken: string;
  /** DISCORD_APPLICATION_ID. */
  readonly applicationId: string;
  /** DISCORD_GUILD_ID: register slash commands in this server only (instant); global otherwise. */
  readonly guildId?: string | undefined;
  /** DISCORD_API_URL: the REST root (default https://discord.com/api); the gateway URL comes from its `/gateway/bot`. */
  readonly apiUrl?: string;
  /** DISCORD_MESSAGE_CONTENT: ask for the privileged Message Content intent (replies to the bot without a ping). */
  readonly messageContent?: boolean;
  /** The configured model refs, for `/model name:` autocomplete. */
  readonly models?: () => readonly string[];
  readonly logger?: Logger;
  /** The clock for the interaction-token expiry decision (tests pass a fake one). */
  readonly now?: () => number;
  /** Register the slash commands when connected (default true). */
  readonly registerCommands?: boolean;
  /** How long interaction tokens work (Discord: 15 minutes). */
  readonly tokenLifetimeMs?: number;
  /** Stop using a token this long before it expires and continue in channel messages (default 60 s). */
  readonly tokenSafetyMs?: number;
  /** REST request timeout (default 15 s). */
  readonly restTimeoutMs?: number;
  /** Identify throttling and backoff (defaults: 5 s spacing, 1 s → 60 s backoff). */
  readonly backoff?: BackoffSettings;
  /**
   * How long `start()` waits for the first connection before it resolves and keeps trying in the
   * background (default 30 s).
   */
  readonly firstAttemptTimeoutMs?: number;
  /** Called when the gateway closes for good after start (bad token, disallowed intent). */
  readonly onFatal?: (error: SwitchboardError) => void;
}
