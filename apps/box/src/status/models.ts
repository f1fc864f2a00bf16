import {
  deadlineSignal,
  describeError,
  type ModelProvider,
  type ModelRef,
  type ProviderCheck,
} from '@switchboard/core';

/** Where one model stands, as the banner, `/healthz` and `switchboard doctor` show it. */
export interface ModelReport {
  readonly ref: ModelRef;
  readonly locality: 'local' | 'cloud';
  readonly isDefault: boolean;
  /** The generated demo model (random weights). */
  readonly demo: boolean;
  /**
   * `checking`: a cloud provider's first check runs; `loading`: a local model loads; `ready`;
   * `restarting`: its process crashed and comes back by itself; `failed`: it cannot answer (`reason`);
   * `stopped`.
   */
  readonly state: 'checking' | 'loading' | 'ready' | 'restarting' | 'failed' | 'stopped';
  readonly reason?: string;
}

/** How long one provider check may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 15_000;
/** A failed cloud check is repeated (when someone looks) at most this often. */
const RECHECK_AFTER_MS = 60_000;

interface CheckResult {
  readonly check: ProviderCheck;
  readonly at: number;
}

/**
 * The models' states. Local models report their own health (their process loads in the background
 * from start); cloud providers are checked once at start (listing models: no tokens spent) and count as
 * `checking` until that answers.
 */
export class ModelStates {
  readonly #providers: readonly ModelProvider[];
  readonly #defaultRef: () => ModelRef | undefined;
  readonly #checks = new Map<ModelProvider, CheckResult>();
  readonly #inFlight = new Set<ModelProvider>();
  readonly #closing = new AbortController();

  constructor(providers: readonly ModelProvider[], defaultRef: () => ModelRef | undefined) {
    this.#providers = providers;
    this.#defaultRef = defaultRef;
  }

  /** Start loading local models and checking cloud providers, in the background. */
  watch(): void {
    for (const provider of this.#providers) this.#check(provider);
  }

  #check(provider: ModelProvider): void {
    if (this.#inFlight.has(provider) || this.#closing.signal.aborted) return;
    this.#inFlight.add(provider);
    const timeoutMs = provider.locality === 'local' ? 120_000 : CHECK_TIMEOUT_MS;
    const deadline = deadlineSignal(this.#closing.signal, timeoutMs);
    const settle = (check: ProviderCheck) => {
      deadline.dispose();
      this.#inFlight.delete(provider);
      this.#checks.set(provider, { check, at: Date.now() });
    };
    provider
      .check(deadline.signal)
      .then(settle, (error: unknown) => settle({ ok: false, detail: describeError(error) }));
  }

  /** Stop the checks still running. */
  close(): void {
    this.#closing.abort();
  }

  /** Every configured model with its state now. */
  reports(): ModelReport[] {
    const defaultRef = this.#defaultRef();
    return this.#providers.flatMap((provider) =>
      provider.models.map((model): ModelReport => {
        const base = {
          ref: model.ref,
          locality: model.locality,
          isDefault: model.ref === defaultRef,
          demo: model.demo === true,
        };
        if (provider.locality === 'local' && model.health !== undefined) {
          return { ...base, ...fromHealth(model.health()) };
        }
        const result = this.#checks.get(provider);
        if (result === undefined) return { ...base, state: 'checking' };
        if (result.check.ok) return { ...base, state: 'ready' };
        if (Date.now() - result.at > RECHECK_AFTER_MS) this.#check(provider);
        return { ...base, state: 'failed', reason: result.check.detail };
      }),
    );
  }
}

/** A local model's own health phrase as a state. */
function fromHealth(health: { available: boolean; detail: string }): Pick<ModelReport, 'state' | 'reason'> {
  const detail = health.detail;
  if (detail === 'ready') return { state: 'ready' };
  if (detail === 'closed') return { state: 'stopped' };
  if (/restarting/.test(detail)) return { state: 'restarting', reason: detail };
  if (/^failed to load: /.test(detail))
    return { state: 'failed', reason: detail.slice('failed to load: '.length) };
  if (!health.available) return { state: 'failed', reason: detail };
  return { state: 'loading' };
}
