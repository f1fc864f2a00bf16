import type { RoutingSettings } from '@switchboard/core';

/** Routing without configuration: no rules, automatic routing on, the documented timeouts and breaker. */
export const DEFAULT_ROUTING: RoutingSettings = {
  rules: [],
  aliases: new Map(),
  auto: true,
  hardModel: undefined,
  dailyCloudBudgetUsd: undefined,
  firstTokenTimeoutMs: 45_000,
  idleTimeoutMs: 20_000,
  turnFirstTokenTimeoutMs: 30_000,
  taskDeadlineMs: 600_000,
  breakerFailures: 3,
  breakerCooldownMs: 30_000,
};
