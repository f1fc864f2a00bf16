import type { ChatMessage, ModelCall, ModelRef } from '@switchboard/core';
import type {
  AttemptHooks,
  AttemptPlan,
  AttemptResult,
  AttemptUsage,
  CallBounds,
  ModelRunner,
} from './attempts';
import type { CascadePlan } from './route';
import { gradingCall, parseVerdict, type Verdict } from './verdict';

/** What a cascade did, for the task and the reply. */
export interface CascadeOutcome {
  /** The answer to deliver: the accepted draft or the escalated answer. */
  readonly result: AttemptResult;
  readonly escalated: boolean;
  /** Tokens of every grading and redraft call (the draft's and escalation's are in their results). */
  readonly extraUsages: readonly AttemptUsage[];
  readonly verdicts: readonly Verdict[];
}

/** What one cascade needs. */
export interface CascadeInput {
  readonly runner: ModelRunner;
  readonly plan: CascadePlan;
  readonly question: string;
  /** The call that produced the draft (the conversation so far). */
  readonly call: ModelCall;
  readonly draft: AttemptResult & { readonly model: ModelRef };
  readonly signal: AbortSignal;
  readonly hooks: AttemptHooks;
  /** The budget and deadline every grading, redraft and escalation runs under. */
  readonly bounds?: CallBounds;
}

const silent = (hooks: AttemptHooks): AttemptHooks => ({ ...hooks, onDelta: async () => {} });

/**
 * Grade the local draft; below the threshold, redraft locally with the grader's reason (up to
 * `maxRounds` drafts in all), then escalate to the cloud model. Bounded: `maxRounds` gradings of at most
 * `maxVerifierTokens` tokens each and one escalation. A grader that fails leaves the draft accepted; a
 * grader that answers something unreadable counts as a low grade. Each verdict and the escalation are
 * task events.
 */
export async function runCascade(input: CascadeInput): Promise<CascadeOutcome> {
  const { runner, plan, question, signal, hooks } = input;
  const gated = (attempt: AttemptPlan): AttemptPlan => ({ ...attempt, ...input.bounds });
  const { settings } = plan;
  const extraUsages: AttemptUsage[] = [];
  const verdicts: Verdict[] = [];
  let draft: AttemptResult & { readonly model: ModelRef } = input.draft;

  for (let round = 1; round <= settings.maxRounds; round += 1) {
    const verifier = settings.verifier === 'self' ? draft.model : settings.verifier;
    await hooks.onStatus(`checking the answer with ${verifier}…`);
    const graded = await runner.run(
      gated({
        candidates: [verifier],
        call: gradingCall(question, draft.text, settings.maxVerifierTokens),
        stream: false,
        maxAttempts: 1,
      }),
      signal,
      silent(hooks),
    );
    extraUsages.push(...graded.usages);
    if (graded.kind === 'cancelled')
      return { result: { ...draft, kind: 'cancelled' }, escalated: false, extraUsages, verdicts };
    if (graded.kind === 'error') {
      await hooks.onEvent('verdict', {
        round,
        verifier,
        error: graded.error?.code ?? 'failed',
        accepted: true,
      });
      return { result: draft, escalated: false, extraUsages, verdicts };
    }
    const verdict = parseVerdict(graded.text) ?? { score: 0, reason: 'the grader’s answer was unreadable' };
    verdicts.push(verdict);
    const accepted = verdict.score >= settings.threshold;
    await hooks.onEvent('verdict', {
      round,
      verifier,
      score: verdict.score,
      threshold: settings.threshold,
      reason: verdict.reason,
      accepted,
    });
    if (accepted) return { result: draft, escalated: false, extraUsages, verdicts };
    if (round === settings.maxRounds) break;

    await hooks.onStatus(`the answer scored ${verdict.score.toFixed(2)}; improving it on ${draft.model}…`);
    const messages: ChatMessage[] = [
      ...input.call.messages,
      { role: 'assistant', content: draft.text },
      {
        role: 'user',
        content: `A reviewer scored that answer ${verdict.score.toFixed(2)} of 1: ${verdict.reason} Write a better answer to my question.`,
      },
    ];
    const redraft = await runner.run(
      gated({ candidates: [draft.model], call: { ...input.call, messages }, stream: false, maxAttempts: 1 }),
      signal,
      silent(hooks),
    );
    if (redraft.kind !== 'done' || redraft.model === undefined) {
      extraUsages.push(...redraft.usages);
      break;
    }
    extraUsages.push(...redraft.usages);
    draft = { ...redraft, model: redraft.model, usages: [] };
  }

  const last = verdicts[verdicts.length - 1];
  await hooks.onEvent('escalation', {
    from: draft.model,
    to: plan.escalateTo,
    score: last?.score ?? 0,
    threshold: settings.threshold,
  });
  await hooks.onStatus(
    `the local answer scored ${(last?.score ?? 0).toFixed(2)} (below ${settings.threshold}); asking ${plan.escalateTo} (the whole answer appears when it is done)…`,
  );
  const escalated = await runner.run(
    gated({ candidates: [plan.escalateTo], call: input.call, stream: false }),
    signal,
    hooks,
  );
  if (escalated.kind === 'done') return { result: escalated, escalated: true, extraUsages, verdicts };
  extraUsages.push(...escalated.usages);
  if (escalated.kind === 'cancelled')
    return { result: { ...draft, kind: 'cancelled' }, escalated: false, extraUsages, verdicts };
  await hooks.onEvent('escalation-failed', { to: plan.escalateTo, code: escalated.error?.code ?? 'failed' });
  return { result: draft, escalated: false, extraUsages, verdicts };
}
