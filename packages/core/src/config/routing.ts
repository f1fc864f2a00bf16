import { z } from 'zod';
import type { ConfigIssue } from '../errors';
import type { ModelRef } from '../model';
import { integer, modelRef } from './fields';
import type { ConfigSection, RawValues } from './section';

const oneOrMany = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((value) => (typeof value === 'string' ? [value] : value));

/** When a rule applies; every condition given must hold (none given: always). */
const condition = z
  .object({
    command: oneOrMany.optional(),
    platform: oneOrMany.optional(),
    channel: oneOrMany.optional(),
    /** `platform:userId` identities. */
    user: oneOrMany.optional(),
    /** Any of these words or phrases, case-insensitive. */
    keywords: z.array(z.string().min(1)).min(1).optional(),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().min(0).optional(),
    needsTools: z.boolean().optional(),
  })
  .strict();

/** Answer locally, grade the answer, escalate when the grade is low. */
const cascade = z
  .object({
    /** Who grades: `self` (the model that answered, with a JSON grammar) or a model ref. */
    verifier: z.union([z.literal('self'), modelRef]).default('self'),
    /** Escalate when the score (0–1) is below this. */
    threshold: z.number().min(0).max(1).default(0.6),
    /** The model that answers on escalation; default the hard model. */
    escalateTo: modelRef.optional(),
    /** Grading rounds before the answer is accepted as it is. */
    maxRounds: z.number().int().min(1).max(3).default(1),
    /** Token cap of one grading answer. */
    maxVerifierTokens: z.number().int().min(16).max(1024).default(96),
  })
  .strict();

const rule = z
  .object({
    name: z.string().min(1).optional(),
    when: condition.default({}),
    model: modelRef.optional(),
    fallbacks: z.array(modelRef).optional(),
    policy: z.literal('local-only').optional(),
    cascade: cascade.optional(),
  })
  .strict()
  .refine((value) => value.model !== undefined || value.policy !== undefined || value.cascade !== undefined, {
    message: 'a rule needs a model, a policy or a cascade',
  });

/** One routing rule from `SWITCHBOARD_ROUTING_RULES`, with its defaults applied. */
export type RoutingRule = z.output<typeof rule>;
/** The cascade settings of a rule. */
export type CascadeSettings = z.output<typeof cascade>;
/** What a rule matches on. */
export type RuleCondition = z.output<typeof condition>;

/** How requests are routed, retried and capped. */
export interface RoutingSettings {
  readonly rules: readonly RoutingRule[];
  /** Short names for `/ask @name …` and `/model name`, besides the automatic ones. */
  readonly aliases: ReadonlyMap<string, ModelRef>;
  /** Estimate each request's difficulty and send hard ones to {@link hardModel}. */
  readonly auto: boolean;
  /** The model for hard requests; default the first cloud model. */
  readonly hardModel: ModelRef | undefined;
  /** A person's cloud spend per UTC day; reached: answer locally and say so. */
  readonly dailyCloudBudgetUsd: number | undefined;
  /** Longest wait for a model's first token, and between two tokens. */
  readonly firstTokenTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /**
   * Longest wait for first tokens over all the attempts of one turn (retries and fallbacks together), so
   * a provider that never answers is given up on, and the fallback tried, within it (ADR 0032).
   */
  readonly turnFirstTokenTimeoutMs: number;
  /** `TASK_DEADLINE_SECONDS`: the longest a task's model calls may run; a trickling stream is stopped. */
  readonly taskDeadlineMs: number;
  /** Consecutive failures that open a provider's circuit, and how long it stays open. */
  readonly breakerFailures: number;
  readonly breakerCooldownMs: number;
}

const jsonText = z.string().transform((text, context) => {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    context.addIssue({ code: 'custom', message: `not valid JSON (${(error as Error).message})` });
    return z.NEVER;
  }
});

const rules = jsonText.pipe(z.array(rule, { message: 'expected a JSON array of rules' }));

const aliases = z.string().transform((text, context) => {
  const map = new Map<string, ModelRef>();
  for (const item of text.split(',').map((part) => part.trim())) {
    if (item === '') continue;
    const match = /^([\w.-]+)=([a-z][\w-]*:\S+)$/.exec(item);
    if (!match?.[1] || !match[2]) {
      context.addIssue({ code: 'custom', message: `"${item}" is not name=provider:model` });
      return z.NEVER;
    }
    map.set(match[1].toLowerCase(), match[2] as ModelRef);
  }
  return map;
});

const switchValue = z.enum(['on', 'off'], { message: 'expected on or off' });

/** Where a ref in the rules must exist: every rule's model, fallbacks and cascade models. */
function refsOf(value: RoutingRule): string[] {
  return [
    ...(value.model ? [value.model] : []),
    ...(value.fallbacks ?? []),
    ...(value.cascade?.escalateTo ? [value.cascade.escalateTo] : []),
    ...(value.cascade && value.cascade.verifier !== 'self' ? [value.cascade.verifier] : []),
  ];
}

/** Routing rules, aliases, automatic routing, budgets, timeouts and the circuit breaker. */
export const routingSection: ConfigSection<RoutingSettings> = {
  variables: {
    SWITCHBOARD_ROUTING_RULES: rules.default([]),
    SWITCHBOARD_MODEL_ALIASES: aliases.default(new Map()),
    SWITCHBOARD_AUTO_ROUTING: switchValue.default('on'),
    SWITCHBOARD_HARD_MODEL: modelRef.optional(),
    SWITCHBOARD_DAILY_CLOUD_BUDGET_USD: z.coerce
      .number({ message: 'expected an amount in US dollars' })
      .min(0, { message: 'expected zero or more' })
      .optional(),
    SWITCHBOARD_FIRST_TOKEN_TIMEOUT_MS: integer(100, 600_000).default(45_000),
    SWITCHBOARD_IDLE_TIMEOUT_MS: integer(100, 600_000).default(20_000),
    SWITCHBOARD_TURN_FIRST_TOKEN_TIMEOUT_MS: integer(100, 600_000).default(30_000),
    TASK_DEADLINE_SECONDS: integer(1, 86_400).default(600),
    SWITCHBOARD_BREAKER_FAILURES: integer(1, 100).default(3),
    SWITCHBOARD_BREAKER_COOLDOWN_MS: integer(100, 3_600_000).default(30_000),
  },
  check(v: RawValues) {
    const issues: ConfigIssue[] = [];
    const providers = ['openai', 'anthropic', 'llama'];
    const list = v['SWITCHBOARD_ROUTING_RULES'] as RoutingRule[];
    list.forEach((entry, index) => {
      for (const ref of refsOf(entry)) {
        if (!providers.includes(ref.slice(0, ref.indexOf(':')))) {
          issues.push({
            variable: 'SWITCHBOARD_ROUTING_RULES',
            message: `rule ${entry.name ?? index + 1}: unknown provider in ${ref}`,
          });
        }
      }
    });
    return issues;
  },
  build(v) {
    return {
      rules: v['SWITCHBOARD_ROUTING_RULES'] as RoutingRule[],
      aliases: v['SWITCHBOARD_MODEL_ALIASES'] as Map<string, ModelRef>,
      auto: v['SWITCHBOARD_AUTO_ROUTING'] !== 'off',
      hardModel: v['SWITCHBOARD_HARD_MODEL'] as ModelRef | undefined,
      dailyCloudBudgetUsd: v['SWITCHBOARD_DAILY_CLOUD_BUDGET_USD'] as number | undefined,
      firstTokenTimeoutMs: v['SWITCHBOARD_FIRST_TOKEN_TIMEOUT_MS'] as number,
      idleTimeoutMs: v['SWITCHBOARD_IDLE_TIMEOUT_MS'] as number,
      turnFirstTokenTimeoutMs: v['SWITCHBOARD_TURN_FIRST_TOKEN_TIMEOUT_MS'] as number,
      taskDeadlineMs: (v['TASK_DEADLINE_SECONDS'] as number) * 1000,
      breakerFailures: v['SWITCHBOARD_BREAKER_FAILURES'] as number,
      breakerCooldownMs: v['SWITCHBOARD_BREAKER_COOLDOWN_MS'] as number,
    };
  },
};
