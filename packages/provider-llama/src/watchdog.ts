/** What the watchdog needs to know about one generation running in the child. */
export interface WatchedGeneration {
  /** When the child last showed progress on it. */
  readonly lastActivityAt: number;
  /** True once it produced a token; before that the prompt is still being read, which may take long. */
  readonly producing: boolean;
}

/** Settings of a {@link Watchdog}. */
export interface WatchdogSettings {
  /** No heartbeat answer, or no token while generating, for this long means the process hangs. */
  readonly hangTimeoutMs: number;
  readonly ping: (seq: number) => void;
  readonly generations: () => Iterable<WatchedGeneration>;
  readonly onHang: (detail: string) => void;
}

/**
 * Longest silence while the process starts and loads its model (Node, node-llama-cpp, and on a GPU
 * machine the CUDA or Vulkan libraries, which load synchronously).
 */
const STARTUP_TIMEOUT_MS = 30_000;
/** Before the first token, reading a long prompt on a small CPU can take tens of seconds. */
const FIRST_TOKEN_FACTOR = 6;
const MIN_FIRST_TOKEN_MS = 60_000;

/**
 * Detects a model process that hangs: it pings the process several times per `hangTimeoutMs` and
 * reports when no message came back for that long (30 s while it starts and loads), or when a running
 * generation has made no progress (no token for `hangTimeoutMs`; before the first token, while the
 * prompt is read, six times that and at least a minute).
 */
export class Watchdog {
  readonly #settings: WatchdogSettings;
  readonly #firstTokenMs: number;
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #lastHeardAt: number | undefined;
  #loaded = false;
  #seq = 0;

  constructor(settings: WatchdogSettings) {
    this.#settings = settings;
    this.#firstTokenMs = Math.max(MIN_FIRST_TOKEN_MS, settings.hangTimeoutMs * FIRST_TOKEN_FACTOR);
  }

  /** Start watching a freshly started process. */
  start(): void {
    this.stop();
    this.#startedAt = Date.now();
    this.#lastHeardAt = undefined;
    this.#loaded = false;
    const interval = Math.min(2500, Math.max(100, this.#settings.hangTimeoutMs / 4));
    this.#timer = setInterval(() => this.#tick(), interval);
    this.#timer.unref();
  }

  /** The model is loaded: from now on, `hangTimeoutMs` of silence means a hang. */
  loaded(): void {
    this.#loaded = true;
  }

  /** The process sent something: it is alive. */
  alive(now: number = Date.now()): void {
    this.#lastHeardAt = now;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const now = Date.now();
    const { hangTimeoutMs, onHang } = this.#settings;
    const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
    const startup = Math.max(STARTUP_TIMEOUT_MS, hangTimeoutMs);
    if (this.#lastHeardAt === undefined) {
      if (now - this.#startedAt > startup)
        onHang(`the model process did not start within ${seconds(startup)}`);
      return;
    }
    if (now - this.#lastHeardAt > (this.#loaded ? hangTimeoutMs : startup)) {
      onHang(`no answer to heartbeats for ${seconds(now - this.#lastHeardAt)}`);
      return;
    }
    for (const generation of this.#settings.generations()) {
      const limit = generation.producing ? hangTimeoutMs : this.#firstTokenMs;
      if (now - generation.lastActivityAt > limit) {
        onHang(`no token for ${seconds(now - generation.lastActivityAt)} while generating`);
        return;
      }
    }
    this.#seq += 1;
    this.#settings.ping(this.#seq);
  }
}
