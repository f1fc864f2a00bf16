import { type ConnectionStatus, describeError, type Logger, sleep } from '@switchboard/core';
import type { WebClient, WebClientFactory, WebClientSettings } from './client';

/** Why the linked session ended for good: a new QR scan is needed. */
export const LOGGED_OUT =
  'WhatsApp Web logged this box out (the linked device was removed on the phone, or the session expired): run `switchboard whatsapp link` and scan the QR code again.';

/** What a {@link WebConnection} needs. */
export interface ConnectionOptions {
  readonly factory: WebClientFactory;
  readonly settings: WebClientSettings;
  readonly logger: Logger;
  /** Show a QR code to scan (printed in the terminal by default). */
  readonly showQr: (qr: string) => void;
  /** Wire a fresh client's message events. */
  readonly attach: (client: WebClient) => void;
  /** How long a start may take before WhatsApp Web counts as unreachable (until a QR code shows). */
  readonly connectTimeoutMs: number;
  /** Reconnect backoff: the first wait, doubled each time up to `maxBackoffMs`. */
  readonly baseBackoffMs: number;
  readonly maxBackoffMs: number;
}

type AttemptOutcome = 'ready' | 'qr' | 'unreachable' | 'logged-out';

/**
 * One linked WhatsApp Web session: a client per connection attempt, reconnects after drops with a
 * doubling backoff, a clear status when WhatsApp Web cannot be reached, and a stop (no retries) when the
 * session was logged out.
 */
export class WebConnection {
  readonly #options: ConnectionOptions;
  readonly #stopping = new AbortController();
  #client: WebClient | undefined;
  #status: ConnectionStatus = { state: 'connecting' };
  #failures = 0;
  #reconnecting = false;
  #readyListeners = new Set<() => void>();

  constructor(options: ConnectionOptions) {
    this.#options = options;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** The ready client, if connected. */
  get client(): WebClient | undefined {
    return this.#status.state === 'connected' ? this.#client : undefined;
  }

  /**
   * Connect. Resolves once ready, once a QR code waits to be scanned, or once the first attempt found
   * WhatsApp Web unreachable (then it keeps trying in the background). Never hangs longer than the
   * connect timeout.
   */
  async start(): Promise<void> {
    const outcome = await this.#attempt();
    if (outcome === 'unreachable') this.#scheduleReconnect();
  }

  /** Resolves when the session is ready (a scan finished, a reconnect succeeded). */
  ready(signal?: AbortSignal): Promise<void> {
    if (this.#status.state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        this.#readyListeners.delete(done);
        resolve();
      };
      this.#readyListeners.add(done);
      signal?.addEventListener('abort', () => {
        this.#readyListeners.delete(done);
        reject(signal.reason);
      });
    });
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    this.#status = { state: 'stopped' };
    await this.#discard();
  }

  async #attempt(): Promise<AttemptOutcome> {
    const { logger } = this.#options;
    await this.#discard();
    if (this.#stopping.signal.aborted) return 'logged-out';
    let settle: (outcome: AttemptOutcome) => void = () => {};
    const settled = new Promise<AttemptOutcome>((resolve) => {
      settle = resolve;
    });
    let client: WebClient;
    try {
      client = await this.#options.factory(this.#options.settings);
    } catch (error) {
      return this.#unreachable(`the browser could not start (${describeError(error)})`);
    }
    this.#client = client;
    client.on('qr', (qr) => {
      this.#status = {
        state: 'retrying',
        reason:
          'not linked yet: scan the QR code shown in the terminal with WhatsApp (Settings → Linked devices), or run `switchboard whatsapp link`',
        attempts: 0,
      };
      this.#options.showQr(qr);
      settle('qr');
    });
    client.on('authenticated', () => logger.info({}, 'whatsapp web: authenticated'));
    client.on('auth_failure', (message) => {
      this.#status = {
        state: 'failed',
        reason: `WhatsApp Web refused the saved session (${message.slice(0, 120)}): ${LOGGED_OUT}`,
      };
      logger.error({}, this.#status.reason);
      settle('logged-out');
    });
    client.on('ready', () => {
      this.#failures = 0;
      this.#status = { state: 'connected' };
      logger.info({ account: client.info?.wid.user }, 'whatsapp web: ready');
      for (const listener of [...this.#readyListeners]) listener();
      settle('ready');
    });
    client.on('disconnected', (reason) => {
      if (this.#client !== client || this.#stopping.signal.aborted) return;
      if (reason === 'LOGOUT') {
        this.#status = { state: 'failed', reason: LOGGED_OUT };
        logger.error({}, LOGGED_OUT);
        void this.#discard();
        return;
      }
      logger.warn({ reason }, 'whatsapp web: disconnected; reconnecting');
      this.#scheduleReconnect(`disconnected (${String(reason)})`);
    });
    this.#options.attach(client);
    const initialized = client.initialize().then(
      () => undefined,
      (error: unknown) => this.#unreachable(describeError(error)),
    );
    const timer = new AbortController();
    const outcome = await Promise.race([
      settled,
      initialized.then((failed) => failed ?? settled),
      sleep(this.#options.connectTimeoutMs, timer.signal).then(
        () => this.#unreachable(`no answer within ${Math.round(this.#options.connectTimeoutMs / 1000)} s`),
        () => 'ready' as const,
      ),
    ]);
    timer.abort();
    return outcome;
  }

  #unreachable(detail: string): 'unreachable' {
    this.#failures += 1;
    this.#status = {
      state: 'retrying',
      reason: `WhatsApp Web cannot be reached: ${detail.slice(0, 200)}. Check the network (and WHATSAPP_CHROMIUM_PATH); retrying with backoff.`,
      attempts: this.#failures,
    };
    this.#options.logger.error({ attempts: this.#failures }, this.#status.reason);
    return 'unreachable';
  }

  #scheduleReconnect(why?: string): void {
    if (this.#reconnecting || this.#stopping.signal.aborted) return;
    this.#reconnecting = true;
    if (why !== undefined) {
      this.#failures += 1;
      this.#status = {
        state: 'retrying',
        reason: `WhatsApp Web ${why}; reconnecting`,
        attempts: this.#failures,
      };
    }
    void (async () => {
      try {
        for (;;) {
          const { baseBackoffMs, maxBackoffMs } = this.#options;
          const wait = Math.min(maxBackoffMs, baseBackoffMs * 2 ** Math.max(0, this.#failures - 1));
          await sleep(wait, this.#stopping.signal);
          const outcome = await this.#attempt();
          if (outcome !== 'unreachable') return;
        }
      } catch {
        // stopped while waiting
      } finally {
        this.#reconnecting = false;
      }
    })();
  }

  async #discard(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    try {
      await Promise.race([client.destroy(), sleep(5000)]);
    } catch (error) {
      this.#options.logger.debug({ error: describeError(error) }, 'whatsapp web: closing the browser failed');
    }
  }
}
