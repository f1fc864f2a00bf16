import type { ChatAdapter, Logger, WhatsAppSettings } from '@switchboard/core';
import { createCloudAdapter } from './cloud/adapter';
import { createWebModeAdapter, type WebAdapterOptions } from './web/adapter';

export { WEBHOOK_PATH } from './cloud/adapter';
export { GraphClient, type PhoneNumberInfo } from './cloud/graph';
export { toWhatsApp } from './format';
export { TEXT_ONLY } from './shared';
export { SESSION_FOLDER } from './web/adapter';
export { createBrowserClient, type WebClient, type WebClientFactory, type WebMessage } from './web/client';
export { LOGGED_OUT, WebConnection } from './web/connection';
export { printQr } from './web/qr';

/** What the WhatsApp adapter needs beyond its settings. */
export interface WhatsAppAdapterOptions {
  readonly settings: WhatsAppSettings;
  readonly logger: Logger;
  /** `SWITCHBOARD_OWNER` identities: `whatsapp:<wa_id>` entries are owners here. */
  readonly owners: readonly string[];
  /** The box's data folder: web mode keeps the linked session under it. */
  readonly dataDir: string;
  /** The clock for the 24-hour window and approval expiry (tests pass a fake one). */
  readonly now?: () => number;
  /** Web mode only: the client factory, QR display and timings (tests pass fakes). */
  readonly web?: Pick<
    WebAdapterOptions,
    'clientFactory' | 'showQr' | 'connectTimeoutMs' | 'baseBackoffMs' | 'maxBackoffMs' | 'approvalTtlMs'
  >;
}

/** The numbers the configuration admits: owners (`whatsapp:<wa_id>`) and WHATSAPP_ALLOWED_USERS. */
export function admittedNumbers(options: Pick<WhatsAppAdapterOptions, 'settings' | 'owners'>): Set<string> {
  const owners = options.owners
    .filter((identity) => identity.startsWith('whatsapp:'))
    .map((identity) => identity.slice('whatsapp:'.length).replace(/^\+/, ''));
  return new Set([...owners, ...options.settings.allowedUsers]);
}

/** The WhatsApp adapter for the configured transport (`WHATSAPP_MODE`). */
export function createWhatsAppAdapter(options: WhatsAppAdapterOptions): ChatAdapter {
  const { settings } = options;
  const admitted = admittedNumbers(options);
  if (settings.mode === 'cloud') {
    return createCloudAdapter({
      settings,
      logger: options.logger,
      mayUse: (waId) => admitted.has(waId),
      ...(options.now ? { now: options.now } : {}),
    });
  }
  return createWebModeAdapter({
    settings,
    logger: options.logger,
    dataDir: options.dataDir,
    admitted,
    ...(options.now ? { now: options.now } : {}),
    ...options.web,
  });
}
