import { createWebAdapter } from '@switchboard/adapter-web';
import type { ChatAdapter, Config, Logger } from '@switchboard/core';

/** The platform adapters the configuration asks for. The web chat is always there. */
export function createAdapters(config: Config, logger: Logger): ChatAdapter[] {
  const adapters: ChatAdapter[] = [createWebAdapter({ apiToken: config.http.apiToken })];
  void logger;
  return adapters;
}
