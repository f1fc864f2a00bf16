import { EventEmitter } from 'node:events';
import type { Chat, ClientInfo, Message, WAState } from 'whatsapp-web.js';

/**
 * The part of a whatsapp-web.js `Message` the adapter reads, typed by the library itself. WhatsApp Web
 * cannot run offline (the library drives WhatsApp Web's own modules in a real browser), so tests use
 * {@link FakeWhatsAppWeb}, which emits objects of this shape.
 */
export type WebMessage = Pick<
  Message,
  'id' | 'body' | 'from' | 'to' | 'author' | 'fromMe' | 'type' | 'hasMedia' | 'timestamp'
>;

/** The whatsapp-web.js `Client` events the adapter listens to, with the library's argument types. */
export interface WebClientEvents {
  qr: [qr: string];
  authenticated: [];
  auth_failure: [message: string];
  ready: [];
  message: [message: WebMessage];
  message_create: [message: WebMessage];
  disconnected: [reason: WAState | 'LOGOUT'];
}

/** One message the fake client sent. */
export interface WebSent {
  readonly chatId: string;
  readonly content: string;
  readonly at: number;
}

/** How the next `initialize()` behaves. */
export type InitializeMode =
  /** Links: `qr` first when not linked yet (until {@link FakeWhatsAppWeb.scan}), then authenticated and ready. */
  | 'normal'
  /** Never settles, as when WhatsApp Web cannot be reached and the page keeps loading. */
  | 'hang'
  /** Rejects like puppeteer's navigation failure without network. */
  | 'offline';

/** A fake whatsapp-web.js client: the `Client` surface the adapter uses, driven by {@link FakeWhatsAppWeb}. */
export class FakeWebClient extends EventEmitter {
  info: Pick<ClientInfo, 'wid' | 'pushname'> | undefined;
  readonly #world: FakeWhatsAppWeb;
  #destroyed = false;

  constructor(world: FakeWhatsAppWeb) {
    super();
    this.#world = world;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  override on<E extends keyof WebClientEvents>(
    event: E,
    listener: (...args: WebClientEvents[E]) => void,
  ): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  /** Start the "browser": see {@link InitializeMode}. */
  async initialize(): Promise<void> {
    const mode = this.#world.nextInitialize();
    if (mode === 'hang') return new Promise<void>(() => {});
    if (mode === 'offline') throw new Error('net::ERR_INTERNET_DISCONNECTED at https://web.whatsapp.com/');
    if (!this.#world.linked) {
      this.emit('qr', this.#world.qrCode);
      await this.#world.scanned;
      if (this.#destroyed) return;
    }
    this.#connect();
  }

  /** Close the "browser". */
  async destroy(): Promise<void> {
    this.#destroyed = true;
    this.#world.detach(this);
  }

  /** Send a text; like the real client, also emits `message_create` for the sent message. */
  async sendMessage(chatId: string, content: string): Promise<WebMessage> {
    if (this.#destroyed || this.info === undefined) throw new Error('Session closed.');
    this.#world.takeSendFailure();
    const message = this.#world.record({ chatId, content });
    this.emit('message_create', message);
    return message;
  }

  /** The chat, for its "typing…" state. */
  async getChatById(chatId: string): Promise<Pick<Chat, 'sendStateTyping' | 'clearState'>> {
    return {
      sendStateTyping: async () => {
        this.#world.typing.push(chatId);
      },
      clearState: async () => true,
    };
  }

  /** Called by the world once the account is linked. */
  #connect(): void {
    const me = this.#world.me;
    this.info = { wid: { server: 'c.us', user: me, _serialized: `${me}@c.us` }, pushname: 'Owner' };
    this.#world.attach(this);
    this.emit('authenticated');
    this.emit('ready');
  }
}

/**
 * The WhatsApp account and network the fake clients talk to: whether the account is linked, what each
 * client sent, and the test's controls (scan the QR code, receive messages, drop the connection, log
 * out). `createClient` is what the adapter's client factory should return.
 */
export class FakeWhatsAppWeb {
  /** The owner's own number. */
  readonly me: string;
  readonly qrCode = '2@fake-qr-code-for-tests,abc,def';
  readonly sent: WebSent[] = [];
  readonly typing: string[] = [];
  /** Every client the adapter created, in order. */
  readonly clients: FakeWebClient[] = [];
  linked: boolean;
  #modes: InitializeMode[] = [];
  #current: FakeWebClient | undefined;
  #scan: (() => void) | undefined;
  scanned: Promise<void>;
  #counter = 0;
  readonly #listeners = new Set<() => void>();
  #failSends = 0;

  constructor(options: { readonly me?: string; readonly linked?: boolean } = {}) {
    this.me = options.me ?? '15550001111';
    this.linked = options.linked ?? false;
    this.scanned = new Promise<void>((resolve) => {
      this.#scan = resolve;
    });
  }

  /** A client factory for the adapter. */
  readonly createClient = (): FakeWebClient => {
    const client = new FakeWebClient(this);
    this.clients.push(client);
    return client;
  };

  /** The client currently connected, if any. */
  get current(): FakeWebClient | undefined {
    return this.#current;
  }

  /** The next `initialize()` calls behave as given, in order; then normally again. */
  initializeAs(...modes: InitializeMode[]): void {
    this.#modes.push(...modes);
  }

  nextInitialize(): InitializeMode {
    return this.#modes.shift() ?? 'normal';
  }

  /** The owner scans the QR code with their phone. */
  scan(): void {
    this.linked = true;
    this.#scan?.();
  }

  attach(client: FakeWebClient): void {
    this.#current = client;
    for (const listener of this.#listeners) listener();
  }

  detach(client: FakeWebClient): void {
    if (this.#current === client) this.#current = undefined;
  }

  /** Resolves once a client is connected (after `n` connections in all, counting from the first). */
  async connected(count = 1, timeoutMs = 10_000): Promise<FakeWebClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const attached = this.clients.filter((client) => client.info !== undefined).length;
      if (this.#current !== undefined && attached >= count) return this.#current;
      if (Date.now() > deadline)
        throw new Error(`fake WhatsApp Web: no connection #${count} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.#listeners.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.#listeners.clear();
    }
  }

  /** Make the next `count` sends fail the way a busy WhatsApp Web does (the page rejects the call). */
  failNextSend(count = 1): void {
    this.#failSends += count;
  }

  /** Throws when a send failure is due (called by the client's `sendMessage`). */
  takeSendFailure(): void {
    if (this.#failSends <= 0) return;
    this.#failSends -= 1;
    throw new Error('Evaluation failed: rate-overlimit');
  }

  record(sent: { chatId: string; content: string }): WebMessage {
    this.sent.push({ ...sent, at: Date.now() });
    return this.#message({ from: `${this.me}@c.us`, to: sent.chatId, body: sent.content, fromMe: true });
  }

  /** Messages sent to `chatId`, in order. */
  sentTo(chatId: string): string[] {
    return this.sent.filter((sent) => sent.chatId === chatId).map((sent) => sent.content);
  }

  /** Someone writes in a one-to-one chat with the owner (`from` is their number). */
  receive(options: {
    readonly from: string;
    readonly body: string;
    readonly type?: Message['type'];
  }): WebMessage {
    const message = this.#message({
      from: `${options.from}@c.us`,
      to: `${this.me}@c.us`,
      body: options.body,
      fromMe: false,
      ...(options.type === undefined ? {} : { type: options.type }),
    });
    this.#emit('message', message);
    this.#emit('message_create', message);
    return message;
  }

  /** Someone writes in group `group` (`…@g.us`). */
  receiveInGroup(options: {
    readonly group: string;
    readonly author: string;
    readonly body: string;
  }): WebMessage {
    const message = this.#message({
      from: options.group,
      to: `${this.me}@c.us`,
      author: `${options.author}@c.us`,
      body: options.body,
      fromMe: false,
    });
    this.#emit('message', message);
    this.#emit('message_create', message);
    return message;
  }

  /** The owner writes in their own chat ("message yourself") from their phone. */
  writeToSelf(body: string): WebMessage {
    const message = this.#message({ from: `${this.me}@c.us`, to: `${this.me}@c.us`, body, fromMe: true });
    this.#emit('message_create', message);
    return message;
  }

  /** The connection drops (`disconnected` with a state such as `TIMEOUT` or `CONFLICT`). */
  drop(reason: WAState | 'LOGOUT'): void {
    const client = this.#current;
    this.#current = undefined;
    client?.emit('disconnected', reason);
  }

  /** The owner unlinks the device from their phone: the session is gone. */
  logOut(): void {
    this.linked = false;
    this.scanned = new Promise<void>((resolve) => {
      this.#scan = resolve;
    });
    this.drop('LOGOUT');
  }

  #emit(event: 'message' | 'message_create', message: WebMessage): void {
    const client = this.#current;
    if (client === undefined) throw new Error('fake WhatsApp Web: no client is connected');
    client.emit(event, message);
  }

  #message(fields: {
    from: string;
    to: string;
    body: string;
    fromMe: boolean;
    author?: string;
    type?: Message['type'];
  }): WebMessage {
    this.#counter += 1;
    const id = `3EB0${this.#counter.toString(16).padStart(16, '0').toUpperCase()}`;
    const remote = fields.fromMe ? fields.to : fields.from;
    return {
      id: { fromMe: fields.fromMe, remote, id, _serialized: `${fields.fromMe}_${remote}_${id}` },
      body: fields.body,
      from: fields.from,
      to: fields.to,
      ...(fields.author === undefined ? {} : { author: fields.author }),
      fromMe: fields.fromMe,
      type: fields.type ?? ('chat' as Message['type']),
      hasMedia: fields.type !== undefined && fields.type !== ('chat' as Message['type']),
      timestamp: Math.floor(Date.now() / 1000),
    };
  }
}
