import {
  costOf,
  isLocalModelRef,
  type Logger,
  type ModelCall,
  type ModelRef,
  type PriceTable,
  type Usage,
} from '@switchboard/core';
import type { BudgetStore } from '@switchboard/memory';
import { formatUsd } from '../commands/usage-report';

/** A reservation held for one model call; settle it once, with what the call used. */
export interface SpendHold {
  /** Replace the reserved maximum by the real cost of `usage` (nothing used: release it all). */
  settle(usage: Usage | undefined): Promise<void>;
}

/** The answer of a {@link SpendGate}: go ahead with a hold, or not this model. */
export type SpendDecision =
  | { readonly ok: true; readonly hold: SpendHold }
  | {
      readonly ok: false;
      /** Short, for the list of skipped models ("daily cloud budget: $0.04 of $0.05 held"). */
      readonly reason: string;
      /** The sentence the user reads when no model was left. */
      readonly message: string;
    };

/** Asked by the retry loop before every provider attempt (ADR 0032). */
export interface SpendGate {
  reserve(ref: ModelRef, call: ModelCall): Promise<SpendDecision>;
}

const NOTHING_HELD: SpendDecision = { ok: true, hold: { settle: async () => {} } };

/** Tokens a chat template adds around each message, at most (a generous bound). */
const TEMPLATE_TOKENS_PER_MESSAGE = 8;

/**
 * The most prompt tokens `call` can be billed for: a token of a byte-level tokenizer covers at least one
 * byte of UTF-8, so the bytes of every message and tool plus the template around them bound it.
 */
export function promptTokenBound(call: ModelCall): number {
  const messages = call.messages.reduce(
    (sum, message) => sum + Buffer.byteLength(message.content, 'utf8') + TEMPLATE_TOKENS_PER_MESSAGE,
    0,
  );
  return messages + (call.tools ? Buffer.byteLength(JSON.stringify(call.tools), 'utf8') : 0);
}

/** The most `call` can cost on `ref`: its prompt bound and every output token it may write. */
export function maxCallCost(ref: ModelRef, call: ModelCall, prices: PriceTable): number | undefined {
  if (call.maxOutputTokens === undefined) return undefined;
  return costOf(ref, { inputTokens: promptTokenBound(call), outputTokens: call.maxOutputTokens }, prices);
}

/** `YYYY-MM-DD` of the UTC day `now` falls in: the day the budget counts against (it resets at 00:00 UTC). */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** Why a reservation did not fit, for the skipped list and for the user. */
function refusal(ref: ModelRef, maxUsd: number, budgetUsd: number, committedUsd: number): SpendDecision {
  const most = formatUsd(maxUsd);
  if (maxUsd > budgetUsd) {
    return {
      ok: false,
      reason: `one answer could cost up to ${most}, more than the daily cloud budget of ${formatUsd(budgetUsd)}`,
      message: `One answer from ${ref} could cost up to ${most}, more than the whole daily cloud budget (${formatUsd(budgetUsd)}). Raise SWITCHBOARD_DAILY_CLOUD_BUDGET_USD or lower SWITCHBOARD_MAX_OUTPUT_TOKENS.`,
    };
  }
  const held = `${formatUsd(committedUsd)} of ${formatUsd(budgetUsd)}`;
  return {
    ok: false,
    reason: `daily cloud budget: ${held} spent or held, this call could cost up to ${most}`,
    message: `Your daily cloud budget has no room for this request: ${held} is spent or held by answers still being written, and ${ref} could cost up to ${most}. Try again when they finish, or after 00:00 UTC.`,
  };
}

/** What {@link dailyBudgetGate} reserves against. */
export interface DailyBudget {
  readonly store: BudgetStore;
  readonly prices: PriceTable;
  /** `platform:userId` whose budget it is. */
  readonly authorId: string;
  readonly budgetUsd: number;
  readonly now: () => number;
  readonly logger: Logger;
}

/**
 * The daily cloud budget as a gate: each call on a priced cloud model reserves its maximum cost
 * ({@link maxCallCost}) in the store, atomically against every other request, and settles to its real
 * cost when it ends. Local models, and cloud models without a price (recorded as 0, ADR 0017), pass free.
 */
export function dailyBudgetGate(budget: DailyBudget): SpendGate {
  const { store, prices, authorId, budgetUsd, logger } = budget;
  return {
    async reserve(ref, call) {
      if (isLocalModelRef(ref)) return NOTHING_HELD;
      const maxUsd = maxCallCost(ref, call, prices);
      if (maxUsd === undefined) return NOTHING_HELD;
      const day = utcDay(budget.now());
      const result = await store.reserveCloudSpend({ authorId, day, amountUsd: maxUsd, budgetUsd });
      if (!result.reserved) return refusal(ref, maxUsd, budgetUsd, result.committedUsd);
      let settled = false;
      return {
        ok: true,
        hold: {
          async settle(usage) {
            if (settled) return;
            settled = true;
            const spentUsd = usage === undefined ? 0 : (costOf(ref, usage, prices) ?? 0);
            try {
              await store.adjustCloudSpend(authorId, day, spentUsd - maxUsd);
            } catch (error) {
              logger.warn(
                { err: error, model: ref, heldUsd: maxUsd },
                'could not settle a budget reservation; it stays held until the day ends',
              );
            }
          },
        },
      };
    },
  };
}
