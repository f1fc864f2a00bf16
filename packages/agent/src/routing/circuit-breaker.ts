/** A provider's circuit: `closed` lets requests through, `open` refuses them, `half-open` lets one probe. */
export type CircuitState = 'closed' | 'open' | 'half-open';

interface Circuit {
  failures: number;
  openUntil: number;
  probing: boolean;
}

/** What the breaker needs to know: when to open and for how long. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failures: number;
  /** How long an opened circuit refuses requests before one probe may pass. */
  readonly cooldownMs: number;
  readonly now?: () => number;
}

/**
 * One circuit per provider. After `failures` failures in a row the circuit opens for `cooldownMs` (or
 * for as long as the provider asked us to wait, when longer); then one request probes it: success closes
 * it, failure opens it again. Keeps a dead provider from costing every request a timeout.
 */
export class CircuitBreaker {
  readonly #circuits = new Map<string, Circuit>();
  readonly #options: CircuitBreakerOptions;
  readonly #now: () => number;

  constructor(options: CircuitBreakerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The circuit's state now. */
  state(key: string): CircuitState {
    const circuit = this.#circuits.get(key);
    if (circuit === undefined || circuit.openUntil === 0) return 'closed';
    if (this.#now() < circuit.openUntil) return 'open';
    return 'half-open';
  }

  /** Every circuit that has seen a failure, with its state now (closed circuits with none are not listed). */
  states(): { readonly key: string; readonly state: CircuitState }[] {
    return [...this.#circuits.keys()].map((key) => ({ key, state: this.state(key) }));
  }

  /** Milliseconds until an open circuit lets a probe through (0 when it is not open). */
  retryInMs(key: string): number {
    const circuit = this.#circuits.get(key);
    return circuit === undefined ? 0 : Math.max(0, circuit.openUntil - this.#now());
  }

  /**
   * Whether a request may go to the provider now; in `half-open` only the first caller gets `true` until
   * its outcome is recorded.
   */
  tryAcquire(key: string): boolean {
    const state = this.state(key);
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const circuit = this.#circuit(key);
    if (circuit.probing) return false;
    circuit.probing = true;
    return true;
  }

  /** The provider answered: close the circuit. */
  recordSuccess(key: string): void {
    this.#circuits.delete(key);
  }

  /**
   * The provider failed; `retryAfterMs` keeps an opened circuit open at least that long, and `openNow`
   * opens it at once (the provider asked us to stay away for longer than a retry would wait).
   */
  recordFailure(key: string, retryAfterMs?: number, openNow = false): void {
    const circuit = this.#circuit(key);
    const wasProbing = circuit.probing;
    circuit.probing = false;
    circuit.failures += 1;
    if (openNow || wasProbing || circuit.failures >= this.#options.failures) {
      const wait = Math.max(this.#options.cooldownMs, retryAfterMs ?? 0);
      circuit.openUntil = this.#now() + wait;
    }
  }

  /** The request ended without telling anything about the provider's health (cancelled, bad input). */
  release(key: string): void {
    const circuit = this.#circuits.get(key);
    if (circuit) circuit.probing = false;
  }

  #circuit(key: string): Circuit {
    let circuit = this.#circuits.get(key);
    if (circuit === undefined) {
      circuit = { failures: 0, openUntil: 0, probing: false };
      this.#circuits.set(key, circuit);
    }
    return circuit;
  }
}
