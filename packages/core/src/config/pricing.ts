import { z } from 'zod';
import { DEFAULT_PRICES, type Price, type PriceTable } from '../pricing';
import type { ConfigSection } from './section';

/** Settings of what models cost. */
export interface PricingSettings {
  /** The default prices with `SWITCHBOARD_PRICES` merged over them. */
  readonly prices: PriceTable;
}

const EXAMPLE = '{"openai:gpt-4o-mini": {"input": 0.15, "output": 0.6}}';
const REF = /^[a-z][\w-]*:\S+$/;

/** Read one `{ input, output }` entry; a sentence naming what is wrong otherwise. */
function readPrice(ref: string, entry: unknown): Price | string {
  if (!REF.test(ref))
    return `"${ref}" is not a model ref; expected provider:model such as openai:gpt-4o-mini`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return `"${ref}" must be an object such as {"input": 0.15, "output": 0.6}`;
  const fields = entry as Record<string, unknown>;
  const extra = Object.keys(fields).filter((key) => key !== 'input' && key !== 'output');
  if (extra.length > 0) return `"${ref}" has unknown field(s) ${extra.join(', ')}; expected input and output`;
  const numbers: number[] = [];
  for (const side of ['input', 'output'] as const) {
    const value = fields[side];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      return `"${ref}".${side} must be a number of US dollars per million tokens, at least 0`;
    numbers.push(value);
  }
  const [input = 0, output = 0] = numbers;
  return { inputPerMillionUsd: input, outputPerMillionUsd: output };
}

/**
 * `SWITCHBOARD_PRICES`: a JSON object of `provider:model` → `{ "input": usd, "output": usd }` per million
 * tokens. Every bad entry is reported; the variable's value is never echoed whole.
 */
const prices = z.string().transform((text, context): ReadonlyMap<string, Price> => {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    context.addIssue({ code: 'custom', message: `expected JSON such as ${EXAMPLE}` });
    return z.NEVER;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    context.addIssue({ code: 'custom', message: `expected one JSON object such as ${EXAMPLE}` });
    return z.NEVER;
  }
  const table = new Map<string, Price>();
  for (const [ref, entry] of Object.entries(data)) {
    const price = readPrice(ref, entry);
    if (typeof price === 'string') context.addIssue({ code: 'custom', message: price });
    else table.set(ref, price);
  }
  return table;
});

/** The pricing variable. */
export const pricingSection: ConfigSection<PricingSettings> = {
  variables: {
    SWITCHBOARD_PRICES: prices.optional(),
  },
  build(values) {
    const overrides = values['SWITCHBOARD_PRICES'] as ReadonlyMap<string, Price> | undefined;
    return { prices: new Map([...DEFAULT_PRICES, ...(overrides ?? [])]) };
  },
};
