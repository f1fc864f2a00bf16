import type { Chat, ClientInfo, Message, WAState } from 'whatsapp-web.js';

/** The part of a whatsapp-web.js `Message` the adapter reads, typed by the library. */
export type WebMessage = Pick<
  Message,
  'id' | 'body' | 'from' | 'to' | 'author' | 'fromMe' | 'type' | 'hasMedia' | 'timestamp'
>;

/** The `Client` events the adapter listens to, with the library's argument types. */
export interface WebClientEvents {
  qr: [qr: string];
  authenticated: [];
  auth_failure: [message: string];
  ready: [];
  message: [message: WebMessage];
  message_create: [message: WebMessage];
  disconnected: [reason: WAState | 'LOGOUT'];
}

/**
 * The whatsapp-web.js `Client` surface the adapter uses. The real `Client` satisfies it (see
 * {@link createBrowserClient}); tests pass testkit's `FakeWhatsAppWeb` clients, since WhatsApp Web itself
 * cannot run offline.
 */
export interface WebClient {
  /** Set once the client is ready: the linked account. */
  readonly info: Pick<ClientInfo, 'wid'> | undefined;
  on<E extends keyof WebClientEvents>(event: E, listener: (...args: WebClientEvents[E]) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  sendMessage(chatId: string, content: string): Promise<Pick<Message, 'id'>>;
  getChatById(chatId: string): Promise<Pick<Chat, 'sendStateTyping'>>;
}

/** Where the linked session lives and which browser runs WhatsApp Web. */
export interface WebClientSettings {
  /** LocalAuth's folder: the session persists there, so a restart needs no new scan. */
  readonly sessionDir: string;
  readonly chromiumPath: string;
}

/** Makes a fresh client for each connection attempt. */
export type WebClientFactory = (settings: WebClientSettings) => Promise<WebClient>;

/**
 * The real client: whatsapp-web.js with LocalAuth under the data folder, puppeteer headless on the
 * system Chromium (never a downloaded browser). Loaded on first use, so a box without web mode never
 * loads puppeteer.
 */
export const createBrowserClient: WebClientFactory = async (settings) => {
  const library = await import('whatsapp-web.js');
  const { Client, LocalAuth } = library.default ?? library;
  const client: WebClient = new Client({
    authStrategy: new LocalAuth({ dataPath: settings.sessionDir }),
    puppeteer: {
      headless: true,
      executablePath: settings.chromiumPath,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    },
  });
  return client;
};
