import {
  type LanguageModel,
  type ModelProvider,
  type ModelRef,
  type Price,
  type PriceTable,
  type ProviderCheck,
  priceOf,
  raceAbort,
} from '@switchboard/core';

/** One configured model as `switchboard models` shows it. */
export interface ModelListing {
  readonly ref: ModelRef;
  readonly locality: 'local' | 'cloud';
  readonly demo: boolean;
  readonly isDefault: boolean;
  /** `ok` false when the model cannot answer now; `detail` is a short phrase ("ready", "restarting…"). */
  readonly health: { readonly ok: boolean; readonly detail: string };
  /** `$0.15 in / $0.60 out per 1M tokens`, `free (local)` or `price unknown`. */
  readonly price: string;
}

/** A provider whose check failed, with the sentence that says what to fix. */
export interface ProviderProblem {
  readonly provider: string;
  readonly detail: string;
}

/** What {@link listModels} found. */
export interface ModelListingReport {
  readonly models: readonly ModelListing[];
  readonly problems: readonly ProviderProblem[];
}

/** Dollars with at least two decimals and at most four: `$0.15`, `$0.075`, `$15.00`. */
function dollars(value: number): string {
  return Number.isInteger(Math.round(value * 1e6) / 1e4)
    ? `$${value.toFixed(2)}`
    : `$${Number(value.toFixed(4))}`;
}

/** The price column: what a call will be charged at, as the cost of tasks records it. */
export function describePrice(model: Pick<LanguageModel, 'ref' | 'locality'>, prices: PriceTable): string {
  const price: Price | undefined = priceOf(model.ref, prices);
  const free = price !== undefined && price.inputPerMillionUsd === 0 && price.outputPerMillionUsd === 0;
  if ((price === undefined || free) && model.locality === 'local') return 'free (local)';
  if (price === undefined) return 'price unknown (set SWITCHBOARD_PRICES)';
  return `${dollars(price.inputPerMillionUsd)} in / ${dollars(price.outputPerMillionUsd)} out per 1M tokens`;
}

/** Probe a provider, turning a thrown error or a timeout (even one the provider ignores) into a failed check. */
async function probe(provider: ModelProvider, timeoutMs: number): Promise<ProviderCheck> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return await raceAbort(provider.check(signal), signal);
  } catch (error) {
    const why = signal.aborted ? `did not answer within ${timeoutMs / 1000} s` : String(error);
    return { ok: false, detail: `The check of ${provider.name} failed: ${why}.` };
  }
}

/**
 * Every configured model with its health (the model's own `health()` and its provider's `check()`, probed
 * in parallel, each within `timeoutMs`) and its price.
 */
export async function listModels(
  providers: readonly ModelProvider[],
  options: {
    readonly defaultRef: ModelRef | undefined;
    readonly prices: PriceTable;
    readonly timeoutMs: number;
  },
): Promise<ModelListingReport> {
  const checks = await Promise.all(providers.map((provider) => probe(provider, options.timeoutMs)));
  const models: ModelListing[] = [];
  const problems: ProviderProblem[] = [];
  providers.forEach((provider, index) => {
    const check = checks[index] ?? { ok: false, detail: 'not checked' };
    if (!check.ok) problems.push({ provider: provider.name, detail: check.detail });
    for (const model of provider.models) {
      const own = model.health?.();
      const health =
        own !== undefined && !own.available
          ? { ok: false, detail: own.detail }
          : check.ok
            ? { ok: true, detail: own?.detail ?? 'ready' }
            : { ok: false, detail: `${provider.name} check failed` };
      models.push({
        ref: model.ref,
        locality: model.locality,
        demo: model.demo === true,
        isDefault: model.ref === options.defaultRef,
        health,
        price: describePrice(model, options.prices),
      });
    }
  });
  return { models, problems };
}

/** The report as aligned text for a terminal. */
export function formatModelListing(report: ModelListingReport): string {
  if (report.models.length === 0) {
    return 'No models are configured. Set OPENAI_API_KEY or ANTHROPIC_API_KEY, or put a .gguf file in ./models; `switchboard doctor` says more.';
  }
  const rows = report.models.map((model) => [
    model.ref,
    model.demo ? `${model.locality} (demo)` : model.locality,
    model.isDefault ? 'default' : '',
    `${model.health.ok ? '✓' : '✗'} ${model.health.detail}`,
    model.price,
  ]);
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const lines = rows.map(
    (row) =>
      `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')}`,
  );
  const problems = report.problems.map((problem) => `  ✗ ${problem.provider}: ${problem.detail}`);
  return [
    `Models (${report.models.length}):`,
    ...lines,
    ...(problems.length > 0 ? ['', 'Problems:', ...problems] : []),
  ].join('\n');
}
