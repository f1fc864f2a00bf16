import type { RoutingRule, RuleCondition } from '@switchboard/core';

/** What a rule can look at. */
export interface RuleSubject {
  readonly command: string;
  readonly platform: string;
  readonly channel: string;
  /** `platform:userId`. */
  readonly user: string;
  readonly text: string;
  readonly needsTools: boolean;
}

function includesAny(text: string, keywords: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return keywords.some((keyword) => {
    const word = keyword.toLowerCase();
    if (!/^\w/.test(word) || !/\w$/.test(word)) return lower.includes(word);
    return new RegExp(`\\b${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(lower);
  });
}

/** True when every condition the rule gives holds for the request. */
export function ruleMatches(when: RuleCondition, subject: RuleSubject): boolean {
  if (when.command && !when.command.includes(subject.command)) return false;
  if (when.platform && !when.platform.includes(subject.platform)) return false;
  if (when.channel && !when.channel.includes(subject.channel)) return false;
  if (when.user && !when.user.includes(subject.user)) return false;
  if (when.keywords && !includesAny(subject.text, when.keywords)) return false;
  if (when.minLength !== undefined && subject.text.length < when.minLength) return false;
  if (when.maxLength !== undefined && subject.text.length > when.maxLength) return false;
  if (when.needsTools !== undefined && when.needsTools !== subject.needsTools) return false;
  return true;
}

/** The first rule that matches, and its name for the route reason ("rule 2" when unnamed). */
export function firstMatchingRule(
  rules: readonly RoutingRule[],
  subject: RuleSubject,
): { rule: RoutingRule; name: string } | undefined {
  for (const [index, rule] of rules.entries()) {
    if (ruleMatches(rule.when, subject)) return { rule, name: rule.name ?? `rule ${index + 1}` };
  }
  return undefined;
}
