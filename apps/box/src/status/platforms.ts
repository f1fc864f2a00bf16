import type { ChatAdapter, Config, ConnectionStatus, Platform } from '@switchboard/core';

/** Where one platform stands, as the banner, `/healthz` and `switchboard doctor` show it. */
export interface PlatformReport {
  readonly platform: Platform;
  readonly state: ConnectionStatus['state'] | 'disabled';
  /** Why it is retrying, failed or disabled: a sentence naming what to do. */
  readonly reason?: string;
  /** Connection attempts that failed in a row, while retrying. */
  readonly attempts?: number;
}

/** Every platform the box knows, in the order the banner lists them. */
const PLATFORMS: readonly Platform[] = ['web', 'telegram', 'slack', 'discord', 'whatsapp'];

/** What turns each platform on, for the `disabled` line. */
const ENABLE: Readonly<Record<Platform, string>> = {
  web: 'always on',
  telegram: 'set TELEGRAM_BOT_TOKEN to turn it on',
  slack: 'set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN) to turn it on',
  discord: 'set DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID to turn it on',
  whatsapp:
    'set WHATSAPP_MODE=cloud (with its token, phone number id, app secret and verify token) or WHATSAPP_MODE=web to turn it on',
};

/** True when the platform's settings are present, whether or not its adapter runs. */
function configured(config: Config, platform: Platform): boolean {
  if (platform === 'web') return true;
  return config.platforms[platform] !== undefined;
}

/**
 * Every platform with its state: an adapter's own `status()` (adapters without one count as connected
 * once started), `connecting` for a configured platform whose adapter has not started yet, and
 * `disabled` with how to turn it on for the rest. A worker holds no platform connection: none.
 */
export function platformReports(
  config: Config,
  adapters: readonly ChatAdapter[],
  started: boolean,
): PlatformReport[] {
  if (config.deployment.role === 'worker') return [];
  return PLATFORMS.map((platform): PlatformReport => {
    const adapter = adapters.find((candidate) => candidate.platform === platform);
    if (adapter === undefined || !configured(config, platform)) {
      return { platform, state: 'disabled', reason: ENABLE[platform] };
    }
    const status: ConnectionStatus =
      adapter.status?.() ?? (started ? { state: 'connected' } : { state: 'connecting' });
    if (status.state === 'retrying') {
      return { platform, state: 'retrying', reason: status.reason, attempts: status.attempts };
    }
    if (status.state === 'failed') return { platform, state: 'failed', reason: status.reason };
    return { platform, state: status.state };
  });
}
