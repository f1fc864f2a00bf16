import type { CascadeSettings, ModelRef, RoutingSettings } from '@switchboard/core';
import { type DifficultyEstimate, estimateDifficulty } from './difficulty';
import { firstMatchingRule, type RuleSubject } from './rules';

/** A configured model as the router sees it at the moment of the decision. */
export interface RoutableModel {
  readonly ref: ModelRef;
  readonly locality: 'local' | 'cloud';
  /** False while its circuit is open or its health says it cannot answer. */
  readonly available: boolean;
  /** Why it is unavailable, for the reason ("circuit open after 3 failures"). */
  readonly unavailableBecause?: string;
}

/** Everything about one request that routing depends on. */
export interface RouteRequest extends RuleSubject {
  /** A model named for this request only, with `/ask @name …`. */
  readonly requested?: ModelRef;
  /** The conversation's `/model` setting: a model ref, `local` or `cloud`. */
  readonly conversationModel?: string;
  /** The conversation's `/local on` policy. */
  readonly localOnly: boolean;
  /** What the author spent on cloud models since 00:00 UTC, in US dollars. */
  readonly cloudSpendTodayUsd: number;
}

/** The box's models and routing settings. */
export interface RouterSetup {
  readonly models: readonly RoutableModel[];
  readonly defaultRef: ModelRef | undefined;
  /** `SWITCHBOARD_FALLBACK_MODELS`. */
  readonly fallbacks: readonly ModelRef[];
  readonly routing: Pick<RoutingSettings, 'rules' | 'auto' | 'hardModel' | 'dailyCloudBudgetUsd'>;
}

/** A cascade the agent runs after the first answer: grade it, escalate when the grade is low. */
export interface CascadePlan {
  readonly settings: CascadeSettings;
  readonly escalateTo: ModelRef;
}

/** The router's answer: which model, which fallbacks in order, and why, in words a user can read. */
export type RouteDecision =
  | {
      readonly ok: true;
      readonly primary: ModelRef;
      readonly fallbacks: readonly ModelRef[];
      readonly reason: string;
      /** True when cloud models were ruled out (a local-only conversation or rule, or the budget). */
      readonly localOnly: boolean;
      readonly cascade?: CascadePlan;
      readonly difficulty?: DifficultyEstimate;
    }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly reason: string };

const money = (usd: number) => `$${usd.toFixed(2)}`;

/** The model for hard requests: the configured one, else the first cloud model. */
export function hardModelOf(setup: RouterSetup): ModelRef | undefined {
  const configured = setup.routing.hardModel;
  if (configured && setup.models.some((model) => model.ref === configured)) return configured;
  return setup.models.find((model) => model.locality === 'cloud')?.ref;
}

/** The local model that answers by default: the default model when it is local, else the first local one. */
export function localDefaultOf(setup: RouterSetup): ModelRef | undefined {
  const local = setup.models.filter((model) => model.locality === 'local');
  return local.find((model) => model.ref === setup.defaultRef)?.ref ?? local[0]?.ref;
}

function choosePrimary(
  request: RouteRequest,
  setup: RouterSetup,
  known: ReadonlyMap<ModelRef, RoutableModel>,
  rule: ReturnType<typeof firstMatchingRule>,
): { primary: ModelRef | undefined; reason: string; difficulty?: DifficultyEstimate } {
  const hard = hardModelOf(setup);
  const localDefault = localDefaultOf(setup);
  if (request.requested && known.has(request.requested))
    return { primary: request.requested, reason: 'asked for with @' };
  const setting = request.conversationModel;
  if (setting !== undefined && known.has(setting as ModelRef))
    return { primary: setting as ModelRef, reason: 'pinned with /model' };
  if (setting === 'local' && localDefault)
    return { primary: localDefault, reason: 'this conversation prefers the local model (/model local)' };
  if (setting === 'cloud' && hard)
    return { primary: hard, reason: 'this conversation prefers the cloud model (/model cloud)' };
  if (rule?.rule.model && known.has(rule.rule.model))
    return { primary: rule.rule.model, reason: `rule "${rule.name}"` };
  const defaultIsLocal = setup.defaultRef !== undefined && setup.defaultRef === localDefault;
  if (setup.routing.auto && defaultIsLocal && hard !== undefined && hard !== setup.defaultRef) {
    const difficulty = estimateDifficulty(request.text, request.needsTools);
    return difficulty.hard
      ? { primary: hard, reason: `looks hard (${difficulty.signals.join(', ')})`, difficulty }
      : { primary: setup.defaultRef, reason: 'looks like everyday chat: default model', difficulty };
  }
  return { primary: setup.defaultRef, reason: 'default model' };
}

function unique(refs: readonly ModelRef[]): ModelRef[] {
  return [...new Set(refs)];
}

/**
 * Decide which model answers a request. Pure: the same request and setup always give the same decision.
 * Precedence: the request's `@model` > the conversation's `/model` setting > the first matching rule >
 * the automatic difficulty estimate > the default model. Then policies narrow it: a local-only
 * conversation or rule, or a reached daily cloud budget, keeps only local models; unavailable models
 * (open circuit, crashed process) move behind available ones.
 */
export function route(request: RouteRequest, setup: RouterSetup): RouteDecision {
  const known = new Map(setup.models.map((model) => [model.ref, model]));
  const rule = firstMatchingRule(setup.routing.rules, request);
  const chosen = choosePrimary(request, setup, known, rule);
  if (chosen.primary === undefined || !known.has(chosen.primary)) {
    return { ok: false, code: 'no_model', message: 'No model is configured.', reason: chosen.reason };
  }
  let primary: ModelRef = chosen.primary;
  let reason = chosen.reason;
  let fallbacks = unique(rule?.rule.fallbacks ?? setup.fallbacks).filter(
    (ref) => ref !== primary && known.has(ref),
  );

  const budget = setup.routing.dailyCloudBudgetUsd;
  const overBudget = budget !== undefined && request.cloudSpendTodayUsd >= budget;
  const policyRule = rule?.rule.policy === 'local-only' ? rule.name : undefined;
  const localOnly = request.localOnly || policyRule !== undefined || overBudget;
  if (localOnly) {
    const why = request.localOnly
      ? 'local-only conversation'
      : policyRule !== undefined
        ? `local-only by rule "${policyRule}"`
        : `daily cloud budget reached (${money(request.cloudSpendTodayUsd)} of ${money(budget ?? 0)})`;
    const isLocal = (ref: ModelRef) => known.get(ref)?.locality === 'local';
    const chain = [primary, ...fallbacks].filter(isLocal);
    const replacement = chain[0] ?? localDefaultOf(setup);
    if (replacement === undefined) {
      return overBudget && !request.localOnly && policyRule === undefined
        ? {
            ok: false,
            code: 'budget_exceeded',
            message: `You have used your daily cloud budget (${money(request.cloudSpendTodayUsd)} of ${money(budget ?? 0)}) and no local model is configured. It resets at 00:00 UTC.`,
            reason: why,
          }
        : {
            ok: false,
            code: 'local_only_unavailable',
            message:
              'This conversation is local-only and no local model is configured, so nothing was sent anywhere. Add a local model, or use /local off.',
            reason: why,
          };
    }
    if (replacement !== primary) reason = `${why}: ${replacement} instead of ${primary}`;
    else reason = `${reason}; ${why}`;
    primary = replacement;
    fallbacks = unique(chain).filter((ref) => ref !== primary);
  }

  const ordered = [primary, ...fallbacks];
  const ready = ordered.filter((ref) => known.get(ref)?.available !== false);
  const down = ordered.filter((ref) => known.get(ref)?.available === false);
  const first = ready[0];
  if (first !== undefined && first !== primary) {
    const because = known.get(primary)?.unavailableBecause ?? 'unavailable';
    reason = `${reason}; ${primary} is unavailable (${because}), so ${first} answers`;
  }
  const [finalPrimary = primary, ...finalFallbacks] = [...ready, ...down];

  const cascadeSettings = rule?.rule.cascade;
  const escalateTo = cascadeSettings?.escalateTo ?? hardModelOf(setup);
  const cascade =
    cascadeSettings !== undefined &&
    !localOnly &&
    known.get(finalPrimary)?.locality === 'local' &&
    escalateTo !== undefined &&
    escalateTo !== finalPrimary &&
    known.has(escalateTo)
      ? { settings: cascadeSettings, escalateTo }
      : undefined;
  if (cascade)
    reason = `${reason}; cascade: ${finalPrimary} answers, escalates to ${cascade.escalateTo} when graded below ${cascade.settings.threshold}`;

  return {
    ok: true,
    primary: finalPrimary,
    fallbacks: finalFallbacks,
    reason,
    localOnly,
    ...(cascade ? { cascade } : {}),
    ...(chosen.difficulty ? { difficulty: chosen.difficulty } : {}),
  };
}
