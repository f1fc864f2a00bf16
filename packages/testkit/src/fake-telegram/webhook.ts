import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiState } from './methods';
import type { WebhookDelivery } from './types';

/** The header Telegram puts the webhook's `secret_token` in. */
export const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';

interface SenderOptions {
  readonly state: ApiState;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly now: () => number;
  /** Run a Bot API call found in a webhook response body (telegraf's webhookReply). */
  readonly executeReply: (method: string, params: Record<string, unknown>) => Promise<void>;
}

/**
 * POSTs updates to the registered webhook the way Telegram does: JSON body, the secret header, one
 * update at a time in order, non-2xx answers retried. A JSON response body naming a `method` is run as
 * an API call, as real Telegram does.
 */
export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  readonly #options: SenderOptions;
  readonly #controller = new AbortController();
  #running: Promise<void> | undefined;
  #again = false;

  constructor(options: SenderOptions) {
    this.#options = options;
  }

  /** Deliver everything pending (in order), unless a run is already doing so. */
  flush(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.flush();
      }
    });
  }

  async #drain(): Promise<void> {
    const { state } = this.#options;
    const delivered = new Set<number>();
    while (state.webhook && !this.#controller.signal.aborted) {
      const next = state.updates.peek().find((update) => !delivered.has(update['update_id'] as number));
      if (next === undefined) return;
      const id = next['update_id'] as number;
      delivered.add(id);
      for (let attempt = 0; attempt <= this.#options.retries; attempt += 1) {
        const result = await this.deliver(next, {}).catch(() => undefined);
        if (result && result.status >= 200 && result.status < 300) break;
        if (attempt < this.#options.retries)
          await sleep(this.#options.retryDelayMs, undefined, { signal: this.#controller.signal }).catch(
            () => undefined,
          );
      }
      state.updates.remove(id);
    }
  }

  /** POST one update now; `secret: null` sends no header, a string sends that one. */
  async deliver(
    update: unknown,
    options: { readonly secret?: string | null; readonly url?: string },
  ): Promise<WebhookDelivery> {
    const { state } = this.#options;
    const url = options.url ?? state.webhook?.url;
    if (url === undefined)
      throw new Error('fake Telegram: no webhook is set (call setWebhook first or pass a url)');
    const secret = options.secret === undefined ? state.webhook?.secret : options.secret;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (secret !== null && secret !== undefined) headers[SECRET_HEADER] = secret;
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: typeof update === 'string' ? update : JSON.stringify(update),
      signal: this.#controller.signal,
    });
    const body = await response.text();
    const updateId = (update as { update_id?: unknown } | null)?.update_id;
    const delivery: WebhookDelivery = {
      updateId: typeof updateId === 'number' ? updateId : -1,
      status: response.status,
      at: this.#options.now(),
      body,
    };
    this.deliveries.push(delivery);
    if (response.ok && (response.headers.get('content-type') ?? '').includes('application/json')) {
      const call = safeParse(body);
      if (call && typeof call['method'] === 'string') {
        const { method, ...params } = call;
        await this.#options.executeReply(method as string, params);
      }
    }
    return delivery;
  }

  close(): void {
    this.#controller.abort();
  }
}

function safeParse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
