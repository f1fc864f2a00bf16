import type { Usage } from './reply';

/** What one model costs, in US dollars per million tokens. */
export interface Price {
  readonly inputPerMillionUsd: number;
  readonly outputPerMillionUsd: number;
}

/** Prices by model ref (`provider:model`). Build one with {@link DEFAULT_PRICES} and `SWITCHBOARD_PRICES`. */
export type PriceTable = ReadonlyMap<string, Price>;

const usd = (inputPerMillionUsd: number, outputPerMillionUsd: number): Price => ({
  inputPerMillionUsd,
  outputPerMillionUsd,
});

/**
 * Public list prices of common cloud models (standard tier, text tokens, no caching or batch discounts),
 * as checked on the date in ADR 0017. Users override or extend them with `SWITCHBOARD_PRICES`.
 */
export const DEFAULT_PRICES: PriceTable = new Map<string, Price>([
  ['openai:gpt-5.5', usd(5, 30)],
  ['openai:gpt-5.5-pro', usd(30, 180)],
  ['openai:gpt-5.4', usd(2.5, 15)],
  ['openai:gpt-5.4-mini', usd(0.75, 4.5)],
  ['openai:gpt-5.4-nano', usd(0.2, 1.25)],
  ['openai:gpt-5.4-pro', usd(30, 180)],
  ['openai:gpt-5.2', usd(1.75, 14)],
  ['openai:gpt-5.1', usd(1.25, 10)],
  ['openai:gpt-5', usd(1.25, 10)],
  ['openai:gpt-5-mini', usd(0.25, 2)],
  ['openai:gpt-5-nano', usd(0.05, 0.4)],
  ['openai:gpt-5-pro', usd(15, 120)],
  ['openai:gpt-4.1', usd(2, 8)],
  ['openai:gpt-4.1-mini', usd(0.4, 1.6)],
  ['openai:gpt-4.1-nano', usd(0.1, 0.4)],
  ['openai:gpt-4o', usd(2.5, 10)],
  ['openai:gpt-4o-mini', usd(0.15, 0.6)],
  ['openai:o3', usd(2, 8)],
  ['openai:o3-pro', usd(20, 80)],
  ['openai:o3-mini', usd(1.1, 4.4)],
  ['openai:o4-mini', usd(1.1, 4.4)],
  ['openai:o1', usd(15, 60)],
  ['openai:o1-mini', usd(1.1, 4.4)],
  ['openai:o1-pro', usd(150, 600)],
  ['openai:gpt-3.5-turbo', usd(0.5, 1.5)],
  ['anthropic:claude-opus-4-6', usd(5, 25)],
  ['anthropic:claude-opus-4-5', usd(5, 25)],
  ['anthropic:claude-opus-4-1', usd(15, 75)],
  ['anthropic:claude-opus-4-0', usd(15, 75)],
  ['anthropic:claude-opus-4', usd(15, 75)],
  ['anthropic:claude-sonnet-4-6', usd(3, 15)],
  ['anthropic:claude-sonnet-4-5', usd(3, 15)],
  ['anthropic:claude-sonnet-4-0', usd(3, 15)],
  ['anthropic:claude-sonnet-4', usd(3, 15)],
  ['anthropic:claude-haiku-4-5', usd(1, 5)],
  ['anthropic:claude-3-7-sonnet', usd(3, 15)],
  ['anthropic:claude-3-5-sonnet', usd(3, 15)],
  ['anthropic:claude-3-5-haiku', usd(0.8, 4)],
  ['anthropic:claude-3-haiku', usd(0.25, 1.25)],
  ['anthropic:claude-3-opus', usd(15, 75)],
]);

const FREE: Price = usd(0, 0);

/** The provider prefix of models that run on this machine. */
export const LOCAL_MODEL_PREFIX = 'llama:';

/** True for refs of models that run on this machine (`llama:*`): they never cost money. */
export function isLocalModelRef(ref: string): boolean {
  return ref.startsWith(LOCAL_MODEL_PREFIX);
}

/**
 * A rest after a known prefix that names a different version of the model, not a snapshot of the same
 * one: `-6` in `claude-opus-4-6`. Dated snapshots (`-2024-07-18`, `-20250514`) and variants
 * (`-latest`, `-codex`) are not versions.
 */
const NEW_VERSION = /^-\d{1,2}(?:[-.]|$)/;

/**
 * The price of `ref`: its exact entry, else the longest entry it extends with a `-` suffix that is not a new
 * version number (`openai:gpt-4o-mini-2024-07-18` costs what `openai:gpt-4o-mini` costs;
 * `anthropic:claude-opus-4-6` does not inherit `anthropic:claude-opus-4`). Local models (`llama:*`) are
 * always free. `undefined` when the price is unknown.
 */
export function priceOf(ref: string, table: PriceTable): Price | undefined {
  const exact = table.get(ref);
  if (exact !== undefined) return exact;
  if (isLocalModelRef(ref)) return FREE;
  let best: { readonly length: number; readonly price: Price } | undefined;
  for (const [known, price] of table) {
    if (!ref.startsWith(known) || known.length <= (best?.length ?? 0)) continue;
    const rest = ref.slice(known.length);
    if (rest.startsWith('-') && !NEW_VERSION.test(rest)) best = { length: known.length, price };
  }
  return best?.price;
}

/**
 * What `usage` on `ref` cost, in US dollars; `undefined` when the price is unknown. Cached-input and batch
 * discounts are not applied, so this is an upper bound of the provider's bill.
 */
export function costOf(ref: string, usage: Usage, table: PriceTable): number | undefined {
  const price = priceOf(ref, table);
  if (price === undefined) return undefined;
  return (
    (usage.inputTokens * price.inputPerMillionUsd + usage.outputTokens * price.outputPerMillionUsd) / 1e6
  );
}
