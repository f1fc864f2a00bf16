import type { Middleware } from './compose';
import type { EventContext, RequestLimits } from './context';

/** 00:00 UTC of the day `now` falls in. */
function startOfUtcDay(now: number): Date {
  const day = new Date(now);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
}

/**
 * Budgets: attaches the request's {@link RequestLimits}. Today that is the author's daily cloud budget
 * (`SWITCHBOARD_DAILY_CLOUD_BUDGET_USD`), read lazily so that commands which never reach a model cost no
 * query; the router keeps an author over budget on local models. The hard limit is the reservation each
 * model call makes before it starts (`routing/spend-gate.ts`, ADR 0032). Per-user rate limits belong here too.
 */
export const limits: Middleware<EventContext> = async (context, next) => {
  const { admitted, services } = context;
  let spend: Promise<number> | undefined;
  const requestLimits: RequestLimits = {
    cloudSpendTodayUsd() {
      if (services.routing.dailyCloudBudgetUsd === undefined || admitted === undefined)
        return Promise.resolve(0);
      spend ??= services.store.cloudSpendSince(admitted.identity, startOfUtcDay(services.now()));
      return spend;
    },
  };
  context.limits = requestLimits;
  await next();
};
