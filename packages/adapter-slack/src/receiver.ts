import type { App, Receiver, SocketModeReceiver } from '@slack/bolt';
import { describeError, type Logger } from '@switchboard/core';

/** The backstop: answer Slack by then whatever the listeners do (Slack gives up at 3 s). */
export const ACK_DEADLINE_MS = 2_500;

/** What a listener acknowledged with: nothing, a text, or a JSON body (an ephemeral message). */
export type AckBody = string | Record<string, unknown> | undefined;

/** How one request went through Bolt. */
export interface DispatchOutcome {
  /** The body a listener acknowledged with (undefined: an empty acknowledgement). */
  readonly body: AckBody;
  /** The event could not be handed to the bus: do not acknowledge, so that Slack delivers it again. */
  readonly retry: boolean;
}

/**
 * Runs one request through Bolt's `App.processEvent` with an `ack()` that only records, and decides the
 * answer when the listeners have finished (they hand the event to the bus, then ack) or at
 * {@link ACK_DEADLINE_MS}, whichever comes first. So an Events API request, which Bolt acknowledges
 * before its listeners run, is confirmed to Slack only once it is on the bus (or the deadline came), a
 * request no listener acknowledged still gets its answer, and a failed hand-off can ask for a redelivery.
 * Both transports use it: the box's HTTP route and Socket Mode.
 */
export class BoltDispatcher {
  #app: App | undefined;
  readonly #retry = new WeakSet<object>();

  constructor(private readonly logger: Logger) {}

  attach(app: App | undefined): void {
    this.#app = app;
  }

  get attached(): boolean {
    return this.#app !== undefined;
  }

  /** Mark a request whose event could not be handed to the bus. */
  requestRetry(body: object): void {
    this.#retry.add(body);
  }

  async run(
    body: Record<string, unknown>,
    retry: { num?: number; reason?: string },
  ): Promise<DispatchOutcome> {
    const app = this.#app;
    if (app === undefined) return { body: undefined, retry: true };
    let acked = false;
    let ackBody: AckBody;
    const ack = async (response?: AckBody) => {
      if (acked) return;
      acked = true;
      ackBody = response;
    };
    const processed = app
      .processEvent({
        body,
        ack,
        ...(retry.num === undefined ? {} : { retryNum: retry.num }),
        ...(retry.reason === undefined ? {} : { retryReason: retry.reason }),
      })
      .then(
        () => 'done' as const,
        (error: unknown) => {
          this.logger.warn({ err: describeError(error) }, 'bolt failed to process a slack request');
          return 'failed' as const;
        },
      );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ACK_DEADLINE_MS);
    });
    const outcome = await Promise.race([processed, deadline]);
    clearTimeout(timer);
    if (outcome === 'late') this.logger.warn('a slack request was acknowledged at the deadline');
    return { body: acked ? ackBody : undefined, retry: this.#retry.has(body) };
  }
}

/**
 * A Bolt receiver fed by the box's own HTTP server instead of opening a port: the `/slack/events` route
 * verifies and parses the request, then calls {@link RouteReceiver.dispatch}.
 */
export class RouteReceiver implements Receiver {
  #running = false;

  constructor(private readonly dispatcher: BoltDispatcher) {}

  init(): void {}

  async start(): Promise<void> {
    this.#running = true;
  }

  async stop(): Promise<void> {
    this.#running = false;
  }

  /** Run one verified, parsed request through Bolt and produce Slack's answer. */
  async dispatch(body: Record<string, unknown>, retry: { num?: number; reason?: string }): Promise<Response> {
    if (!this.#running || !this.dispatcher.attached)
      return new Response('The Slack adapter is not running.', { status: 503 });
    const outcome = await this.dispatcher.run(body, retry);
    if (outcome.retry) return new Response('Could not take the event; please retry.', { status: 503 });
    const answer = outcome.body;
    if (answer === undefined || answer === '') return new Response(null, { status: 200 });
    if (typeof answer === 'string') {
      return new Response(answer, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    }
    return new Response(JSON.stringify(answer), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  }
}

/** What `SocketModeClient` emits for every envelope. */
interface SocketEnvelope {
  readonly ack: (response?: Record<string, unknown>) => Promise<void>;
  readonly body: unknown;
  readonly retry_num?: number;
  readonly retry_reason?: string;
}

/**
 * Socket Mode through the same {@link BoltDispatcher}: Bolt's `SocketModeReceiver` keeps the connection
 * (hello, pings, reconnects), but its envelope handler is replaced, so every envelope is acknowledged
 * after the hand-off or at the deadline — and one the bus could not take is left unacknowledged for
 * Slack to deliver again.
 */
export function dispatchSocketMode(
  receiver: SocketModeReceiver,
  dispatcher: BoltDispatcher,
  logger: Logger,
): void {
  const client = receiver.client;
  client.removeAllListeners('slack_event');
  client.on('slack_event', (envelope: SocketEnvelope) => {
    void (async () => {
      const body = envelope.body;
      const outcome =
        typeof body === 'object' && body !== null && !Array.isArray(body)
          ? await dispatcher.run(body as Record<string, unknown>, {
              ...(typeof envelope.retry_num === 'number' ? { num: envelope.retry_num } : {}),
              ...(typeof envelope.retry_reason === 'string' ? { reason: envelope.retry_reason } : {}),
            })
          : { body: undefined, retry: false };
      if (outcome.retry) {
        logger.warn('slack envelope left unacknowledged so that Slack delivers it again');
        return;
      }
      const answer = typeof outcome.body === 'string' ? { text: outcome.body } : outcome.body;
      await envelope.ack(answer);
    })().catch((error: unknown) =>
      logger.warn({ err: describeError(error) }, 'could not acknowledge a slack envelope'),
    );
  });
}
