export * from './abandon';
export * from './adapter';
export * from './approval';
export * from './async';
export * from './bus';
export * from './clean-text';
export * from './commands';
export { type BoxSettings, isLoopback } from './config/box';
export * from './config/config';
export type { BoxRole, DeploymentSettings } from './config/deployment';
export * from './config/fields';
export { type ConfigSources, loadConfig } from './config/load';
export type {
  McpHttpServer,
  McpRisk,
  McpServerSettings,
  McpStdioServer,
} from './config/mcp';
export { DEFAULT_MEMORY_SETTINGS, type MemorySettings } from './config/memory';
export type { CloudProviderSettings, LlamaSettings, ModelSettings } from './config/models';
export type { DiscordSettings } from './config/platforms/discord';
export type { SlackSettings } from './config/platforms/slack';
export type { TelegramSettings } from './config/platforms/telegram';
export {
  WHATSAPP_DEFAULT_CHROMIUM_PATH,
  WHATSAPP_DEFAULT_GRAPH_URL,
  type WhatsAppCloudSettings,
  type WhatsAppSettings,
  type WhatsAppWebSettings,
} from './config/platforms/whatsapp';
export type { PricingSettings } from './config/pricing';
export type { CascadeSettings, RoutingRule, RoutingSettings, RuleCondition } from './config/routing';
export type { ConfigSection, RawValues } from './config/section';
export type { ToolSettings } from './config/tools';
export { sections, variables } from './config/variables';
export * from './conversation';
export * from './embedding';
export * from './errors';
export * from './inbound';
export * from './logger';
export * from './model';
export * from './model-failures';
export * from './model-http';
export * from './ordering';
export * from './pricing';
export * from './provider-options';
export * from './recent-ids';
export * from './reply';
