import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { ApiUser } from './messages';

/** Privileged intents: GuildMembers, GuildPresences, MessageContent. */
export const PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15);
const ALL_INTENTS = (1 << 26) - 1;

/** One gateway frame the fake sent or received, for assertions. */
export interface GatewayFrame {
  readonly direction: 'in' | 'out';
  readonly connection: number;
  readonly op: number | undefined;
  readonly t?: string | null;
  readonly s?: number | null;
  readonly at: number;
}

/** Ways to break a connection, as Discord (or the network) does. */
export type Disruption =
  /** The TCP connection dies without a close frame (the client sees 1006). */
  | { readonly kind: 'reset' }
  /** Discord closes with a code; 4000-4002 and 1001 are resumable. */
  | { readonly kind: 'close'; readonly code: number; readonly reason?: string }
  /** Opcode 7: Discord asks the client to reconnect and resume. */
  | { readonly kind: 'reconnect' }
  /** Heartbeats stop being acknowledged until the client gives up on the connection. */
  | { readonly kind: 'missed-acks' };

interface Session {
  readonly id: string;
  seq: number;
  readonly events: { readonly s: number; readonly frame: string }[];
  connection: Connection | undefined;
  invalid: boolean;
}

interface Connection {
  readonly number: number;
  readonly socket: WebSocket;
  session: Session | undefined;
  acking: boolean;
  open: boolean;
  /** True when the fake ended the connection (its close codes never end the session). */
  closedByServer: boolean;
}

/** Settings of the fake gateway. */
export interface FakeGatewayOptions {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: ApiUser;
  readonly heartbeatIntervalMs: number;
  /** Privileged intents enabled for the bot in the "Developer Portal". */
  readonly privilegedIntents: number;
  /** On RESUME, also replay this many events the client already saw (duplicates, as real resumes can cause). */
  readonly replayOverlap: number;
}

/**
 * The Discord gateway (v10, JSON, no compression) on the fake's HTTP server: HELLO, IDENTIFY → READY
 * (with `resume_gateway_url` and `guilds: []`), heartbeats and ACKs, RESUME with replay of missed events,
 * INVALID_SESSION, fatal close codes 4004 and 4014, and injectable disruptions.
 */
export class FakeGateway {
  readonly frames: GatewayFrame[] = [];
  readonly #sessions = new Map<string, Session>();
  readonly #connections: Connection[] = [];
  readonly #events = new EventEmitter();
  readonly #server: WebSocketServer;
  #current: Session | undefined;
  #url = '';
  #refusing = false;
  /** How many IDENTIFY and RESUME payloads arrived. */
  identifies = 0;
  resumes = 0;
  connectionsOpened = 0;

  constructor(
    server: Server,
    readonly options: FakeGatewayOptions,
  ) {
    this.#events.setMaxListeners(0);
    this.#server = new WebSocketServer({ server, path: '/gateway' });
    this.#server.on('connection', (socket) => this.#accept(socket));
  }

  set url(url: string) {
    this.#url = url;
  }

  /** The `resume_gateway_url` (and `/gateway/bot` url). */
  get url(): string {
    return this.#url;
  }

  /** True while a session is identified and a connection is attached to it. */
  get connected(): boolean {
    return this.#current?.connection?.open === true;
  }

  /** The current session's last sequence number. */
  get sequence(): number {
    return this.#current?.seq ?? 0;
  }

  /** While true, every new connection is dropped at once (the gateway is "down"). */
  refuseConnections(refuse: boolean): void {
    this.#refusing = refuse;
  }

  /**
   * Dispatch an event to the bot's session. While the bot is disconnected the event waits in the
   * session and is replayed on RESUME, as Discord does. Returns its sequence number.
   */
  dispatch(t: string, d: unknown): number {
    const session = this.#current;
    if (session === undefined || session.invalid)
      throw new Error('fake Discord gateway: no session to dispatch to (is the bot logged in?)');
    session.seq += 1;
    const frame = JSON.stringify({ op: 0, t, s: session.seq, d });
    session.events.push({ s: session.seq, frame });
    if (session.events.length > 5000) session.events.splice(0, session.events.length - 5000);
    const connection = session.connection;
    if (connection?.open) this.#send(connection, frame, { op: 0, t, s: session.seq });
    return session.seq;
  }

  /** Send any text frame on the live connection (for malformed payloads). */
  sendRaw(frame: string): void {
    const connection = this.#current?.connection;
    if (connection?.open) this.#send(connection, frame, { op: undefined });
  }

  /** Break the live connection in one of the ways Discord or the network does. */
  disrupt(disruption: Disruption): void {
    const connection = this.#current?.connection;
    if (connection === undefined || !connection.open) return;
    switch (disruption.kind) {
      case 'reset':
        connection.open = false;
        connection.closedByServer = true;
        connection.socket.terminate();
        return;
      case 'close':
        connection.open = false;
        connection.closedByServer = true;
        connection.socket.close(disruption.code, disruption.reason ?? 'fake disruption');
        return;
      case 'reconnect':
        this.#send(connection, JSON.stringify({ op: 7, d: null }), { op: 7 });
        return;
      case 'missed-acks':
        connection.acking = false;
    }
  }

  /** Resolves once a session is (again) identified or resumed and attached. */
  waitUntilConnected(timeoutMs = 10_000): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#events.off('attached', onReady);
        reject(new Error(`fake Discord gateway: no session attached within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#events.once('attached', onReady);
    });
  }

  /** Resolves with the close code of the next connection to end. */
  nextClose(timeoutMs = 10_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('fake Discord gateway: no connection closed')),
        timeoutMs,
      );
      this.#events.once('closed', (code: number) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  close(): Promise<void> {
    for (const connection of this.#connections) connection.socket.terminate();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: WebSocket): void {
    this.connectionsOpened += 1;
    const connection: Connection = {
      number: this.connectionsOpened,
      socket,
      session: undefined,
      acking: true,
      open: true,
      closedByServer: false,
    };
    this.#connections.push(connection);
    if (this.#refusing) {
      connection.open = false;
      socket.terminate();
      return;
    }
    socket.on('message', (data: RawData) => this.#receive(connection, data));
    socket.on('close', (code: number) => {
      connection.open = false;
      const session = connection.session;
      if (session?.connection === connection) {
        session.connection = undefined;
        if (!connection.closedByServer && (code === 1000 || code === 1001)) session.invalid = true;
      }
      this.#events.emit('closed', code);
    });
    socket.on('error', () => {});
    this.#send(
      connection,
      JSON.stringify({ op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs } }),
      { op: 10 },
    );
  }

  #receive(connection: Connection, data: RawData): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(String(data)) as { op?: unknown; d?: unknown };
    } catch {
      this.#close(connection, 4002, 'Error while decoding payload.');
      return;
    }
    const op = typeof payload.op === 'number' ? payload.op : undefined;
    this.frames.push({ direction: 'in', connection: connection.number, op, at: Date.now() });
    const d = (payload.d ?? {}) as Record<string, unknown>;
    switch (op) {
      case 1:
        if (connection.acking) this.#send(connection, JSON.stringify({ op: 11 }), { op: 11 });
        return;
      case 2:
        this.#identify(connection, d);
        return;
      case 6:
        this.#resume(connection, d);
        return;
      case 3:
      case 4:
      case 8:
        if (connection.session === undefined) this.#close(connection, 4003, 'Not authenticated.');
        return;
      default:
        this.#close(connection, 4001, 'Unknown opcode.');
    }
  }

  #identify(connection: Connection, d: Record<string, unknown>): void {
    this.identifies += 1;
    const intents = typeof d['intents'] === 'number' ? d['intents'] : -1;
    const refusal =
      this.#authRefusal(connection, d) ??
      (intents < 0 || (intents & ~ALL_INTENTS) !== 0 ? ([4013, 'Invalid intent(s).'] as const) : undefined) ??
      ((intents & PRIVILEGED_INTENTS & ~this.options.privilegedIntents) !== 0
        ? ([4014, 'Disallowed intent(s).'] as const)
        : undefined);
    if (refusal) {
      this.#close(connection, refusal[0], refusal[1]);
      return;
    }
    if (this.#current) this.#current.invalid = true;
    const session: Session = {
      id: randomUUID().replaceAll('-', ''),
      seq: 0,
      events: [],
      connection,
      invalid: false,
    };
    this.#sessions.set(session.id, session);
    this.#current = session;
    connection.session = session;
    this.dispatch('READY', {
      v: 10,
      user: this.options.botUser,
      guilds: [],
      session_id: session.id,
      resume_gateway_url: this.#url,
      shard: [0, 1],
      application: { id: this.options.applicationId, flags: 0 },
    });
    this.#events.emit('attached');
  }

  #resume(connection: Connection, d: Record<string, unknown>): void {
    this.resumes += 1;
    const refusal = this.#authRefusal(connection, d);
    if (refusal) {
      this.#close(connection, refusal[0], refusal[1]);
      return;
    }
    const session = this.#sessions.get(String(d['session_id']));
    if (session === undefined || session.invalid) {
      this.#send(connection, JSON.stringify({ op: 9, d: false }), { op: 9 });
      return;
    }
    const previous = session.connection;
    if (previous?.open && previous !== connection) {
      previous.open = false;
      previous.socket.close(4009, 'Session taken over.');
    }
    session.connection = connection;
    connection.session = session;
    const seen = typeof d['seq'] === 'number' ? d['seq'] : 0;
    for (const event of session.events) {
      if (event.s > seen - this.options.replayOverlap)
        this.#send(connection, event.frame, { op: 0, s: event.s });
    }
    this.dispatch('RESUMED', null);
    this.#events.emit('attached');
  }

  /** The close code and reason for an IDENTIFY or RESUME that must be refused, if any. */
  #authRefusal(connection: Connection, d: Record<string, unknown>): readonly [number, string] | undefined {
    if (connection.session !== undefined) return [4005, 'Already authenticated.'];
    if (d['token'] !== this.options.token) return [4004, 'Authentication failed.'];
    return undefined;
  }

  #close(connection: Connection, code: number, reason: string): void {
    connection.open = false;
    connection.closedByServer = true;
    connection.socket.close(code, reason);
  }

  #send(
    connection: Connection,
    frame: string,
    meta: { op: number | undefined; t?: string; s?: number },
  ): void {
    this.frames.push({
      direction: 'out',
      connection: connection.number,
      op: meta.op,
      t: meta.t ?? null,
      s: meta.s ?? null,
      at: Date.now(),
    });
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(frame);
  }
}
