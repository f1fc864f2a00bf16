import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FakeSocketMode, SlackDelivery, SocketAck } from './types';

const SOCKET_PATH = '/link/';

interface PendingAck {
  readonly sentAt: number;
  resolve(ack: SocketAck): void;
}

/**
 * Slack's Socket Mode on the fake's port: `apps.connections.open` hands out a one-time ticket URL, the
 * client connects, gets `hello`, then receives envelopes and answers each with `{envelope_id, payload}`.
 */
export class FakeSocketServer implements FakeSocketMode {
  readonly #server: WebSocketServer;
  readonly #sockets: WebSocket[] = [];
  readonly #tickets = new Set<string>();
  readonly #pending = new Map<string, PendingAck>();
  readonly #waiters = new Set<() => void>();
  readonly #ping: NodeJS.Timeout;

  constructor(
    server: Server,
    private readonly baseUrl: () => string,
    private readonly ackDeadlineMs: number,
    pingIntervalMs: number,
  ) {
    this.#server = new WebSocketServer({ server, path: SOCKET_PATH });
    this.#server.on('connection', (socket, request) => this.#accept(socket, request.url ?? ''));
    this.#ping = setInterval(() => {
      for (const socket of this.#sockets) socket.ping();
    }, pingIntervalMs);
    this.#ping.unref();
  }

  /** A fresh one-time WebSocket URL, as `apps.connections.open` returns. */
  issueUrl(): string {
    const ticket = randomUUID();
    this.#tickets.add(ticket);
    return `${this.baseUrl().replace(/^http/, 'ws')}${SOCKET_PATH}?ticket=${ticket}&app_id=A0SWITCH`;
  }

  get connections(): number {
    return this.#sockets.length;
  }

  #accept(socket: WebSocket, url: string): void {
    const ticket = new URL(url, 'ws://fake').searchParams.get('ticket') ?? '';
    if (!this.#tickets.delete(ticket)) {
      socket.close(4001, 'invalid ticket');
      return;
    }
    this.#sockets.push(socket);
    socket.on('message', (data) => this.#onMessage(data.toString()));
    socket.on('close', () => {
      const index = this.#sockets.indexOf(socket);
      if (index !== -1) this.#sockets.splice(index, 1);
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.#sockets.length,
        debug_info: { host: 'fake-slack', approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0SWITCH' },
      }),
    );
    for (const waiter of [...this.#waiters]) waiter();
  }

  #onMessage(text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (typeof message.envelope_id !== 'string') return;
    const pending = this.#pending.get(message.envelope_id);
    if (!pending) return;
    this.#pending.delete(message.envelope_id);
    pending.resolve({
      envelopeId: message.envelope_id,
      payload: message.payload,
      ackMs: Date.now() - pending.sentAt,
      timedOut: false,
    });
  }

  waitForConnection(timeoutMs = 10_000): Promise<void> {
    if (this.#sockets.length > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(done);
        reject(new Error(`no Socket Mode connection within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(done);
    });
  }

  send(
    delivery: SlackDelivery,
    options: { retryAttempt?: number; retryReason?: string } = {},
  ): Promise<SocketAck> {
    const socket = this.#sockets.at(-1);
    if (!socket) return Promise.reject(new Error('no Socket Mode client is connected'));
    const envelopeId = randomUUID();
    const type =
      delivery.kind === 'command'
        ? 'slash_commands'
        : delivery.kind === 'event'
          ? 'events_api'
          : 'interactive';
    const payload =
      delivery.kind === 'command'
        ? delivery.fields
        : delivery.kind === 'event'
          ? delivery.body
          : delivery.payload;
    const sentAt = Date.now();
    return new Promise<SocketAck>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(envelopeId);
        resolve({ envelopeId, payload: undefined, ackMs: Date.now() - sentAt, timedOut: true });
      }, this.ackDeadlineMs);
      this.#pending.set(envelopeId, {
        sentAt,
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
      });
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          retry_attempt: options.retryAttempt ?? 0,
          retry_reason: options.retryReason ?? '',
        }),
      );
    });
  }

  refresh(): void {
    for (const socket of this.#sockets)
      socket.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested' }));
  }

  async close(): Promise<void> {
    clearInterval(this.#ping);
    for (const socket of this.#sockets) socket.terminate();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
