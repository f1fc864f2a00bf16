/**
 * Small helpers that every HTTP model provider needs: what may be shown of a URL or an error, how long a
 * server asked us to wait, whether a failure was the network, and a timer for a silent server.
 */

const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection was closed',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
};

/** `url` without user name, password, query or fragment: safe to show. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(an invalid URL)';
  }
}

/** Replace every occurrence of `secret` in `text`. */
export function redact(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
}

/**
 * A server's own error message, redacted, on one line and at most 240 characters, prefixed with `: `;
 * empty when there is none. For errors the user can only fix by reading what the server said.
 */
export function quoteServerMessage(message: unknown, secret: string | undefined): string {
  const text = typeof message === 'string' ? message : '';
  const clean = redact(text, secret).replace(/\s+/g, ' ').trim();
  return clean === '' ? '' : `: ${clean.length > 240 ? `${clean.slice(0, 239)}…` : clean}`;
}

/**
 * The error to keep as a `cause`: the original, unless its message or its parsed body (an SDK error's
 * `error` property) holds the secret, in which case a redacted copy of the message.
 */
export function safeCause(error: unknown, secret: string | undefined): unknown {
  if (!secret || !(error instanceof Error)) return error;
  const body = JSON.stringify((error as { error?: unknown }).error ?? null);
  if (!error.message.includes(secret) && !body.includes(secret)) return error;
  return new Error(redact(error.message, secret));
}

/**
 * Milliseconds to wait, from `retry-after-ms`, or `retry-after` in seconds or as an HTTP date;
 * `undefined` when neither header is usable.
 */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.round(milliseconds);
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number.parseFloat(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** When to try again, for a sentence: "shortly", "in 3 s", "in 5 min", "in 2 h". */
export function describeWait(milliseconds: number | undefined): string {
  if (milliseconds === undefined) return 'shortly';
  const seconds = Math.max(1, Math.ceil(milliseconds / 1000));
  if (seconds < 120) return `in ${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `in ${minutes} min`;
  return `in ${Math.ceil(minutes / 60)} h`;
}

/** Every `code` along the chain of causes (undici nests the system error two levels down). */
function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth += 1) {
    const { code, errors } = current as { code?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (Array.isArray(errors)) codes.push(...errors.flatMap((inner) => causeCodes(inner)));
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** True when the error is the network failing (refused, reset, cut mid-stream), not the server answering. */
export function isNetworkError(error: unknown): boolean {
  if (causeCodes(error).some((code) => code in NETWORK_CODES)) return true;
  return error instanceof TypeError && /terminated|fetch failed|other side closed/i.test(error.message);
}

/** What went wrong with the network, in a few words: "connection refused", "host not found". */
export function networkReason(error: unknown): string {
  for (const code of causeCodes(error)) {
    const reason = NETWORK_CODES[code];
    if (reason) return reason;
  }
  return 'the connection failed';
}

/**
 * Counts a server's silence while a stream waits on it; fires once when the silence lasts too long.
 * Disarm it while the consumer handles a part, so a slow reader is never taken for a silent server.
 */
export class IdleTimer {
  readonly #ms: number;
  readonly #onFire: () => void;
  #timer: NodeJS.Timeout | undefined;
  /** True once the silence lasted `ms`. */
  fired = false;

  constructor(ms: number, onFire: () => void) {
    this.#ms = ms;
    this.#onFire = onFire;
  }

  /** Start (or restart) counting silence. */
  arm(): void {
    this.disarm();
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.#onFire();
    }, this.#ms);
  }

  /** Stop counting, while we are not waiting on the server. */
  disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * The events of one server stream, watched: the request is aborted when `signal` aborts, and when the
 * server stays silent for `timeoutMs` (before the response, or between two events; time the consumer
 * spends on an event is not counted). Iterating never throws: afterwards, `failure` holds what broke the
 * stream and `timedOut` says whether the silence did. Stopping early aborts the request.
 */
export class WatchedStream<TEvent> implements AsyncIterable<TEvent> {
  readonly #open: (signal: AbortSignal) => Promise<AsyncIterable<TEvent>>;
  readonly #signal: AbortSignal;
  readonly #timeoutMs: number;
  /** What ended the stream early, when something did (an SDK error, a cut connection, bad JSON). */
  failure: unknown;
  /** True when the server's silence ended the stream. */
  timedOut = false;

  constructor(
    open: (signal: AbortSignal) => Promise<AsyncIterable<TEvent>>,
    signal: AbortSignal,
    timeoutMs: number,
  ) {
    this.#open = open;
    this.#signal = signal;
    this.#timeoutMs = timeoutMs;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<TEvent, void, undefined> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(this.#signal.reason);
    this.#signal.addEventListener('abort', onAbort, { once: true });
    const timer = new IdleTimer(this.#timeoutMs, () => controller.abort());
    try {
      timer.arm();
      const events = await this.#open(controller.signal);
      timer.arm();
      for await (const event of events) {
        timer.disarm();
        yield event;
        timer.arm();
      }
    } catch (error) {
      this.failure = error;
    } finally {
      timer.disarm();
      this.timedOut = timer.fired;
      this.#signal.removeEventListener('abort', onAbort);
      // Ends the HTTP request when the consumer stopped early or something failed; a no-op once complete.
      controller.abort();
    }
  }
}
