import type { Platform } from '../conversation';
import type { BoxSettings } from './box';
import type { DeploymentSettings } from './deployment';
import type { MemorySettings } from './memory';
import type { ModelSettings } from './models';
import type { DiscordSettings } from './platforms/discord';
import type { SlackSettings } from './platforms/slack';
import type { TelegramSettings } from './platforms/telegram';
import type { WhatsAppSettings } from './platforms/whatsapp';
import type { PricingSettings } from './pricing';
import type { RoutingSettings } from './routing';
import type { ToolSettings } from './tools';

/** Who may command the box on one platform. */
export interface PlatformAllowlist {
  readonly users: readonly string[];
  readonly chats: readonly string[];
  readonly roles: readonly string[];
}

/** The validated configuration the box runs with. Built once at start by `loadConfig`. */
export interface Config extends Omit<BoxSettings, 'owners'> {
  readonly access: {
    /** `platform:userId` identities with every right. The web chat and terminal speak as owner. */
    readonly owners: readonly string[];
    readonly allow: { readonly [P in Platform]: PlatformAllowlist };
  };
  readonly models: ModelSettings;
  /** What each model costs (defaults with `SWITCHBOARD_PRICES` over them). */
  readonly pricing: PricingSettings;
  readonly routing: RoutingSettings;
  /** This process's role and how the box's processes meet (NATS). */
  readonly deployment: DeploymentSettings;
  /** Long-term memory: embeddings, recall, retention. */
  readonly memory: MemorySettings;
  /** The agent's tools: workspace, shell sandbox, fetch allowlist, approval lifetime. */
  readonly tools: ToolSettings;
  /** Each platform's settings; `undefined` where the platform is not configured. */
  readonly platforms: {
    readonly telegram: TelegramSettings | undefined;
    readonly slack: SlackSettings | undefined;
    readonly discord: DiscordSettings | undefined;
    readonly whatsapp: WhatsAppSettings | undefined;
  };
}
