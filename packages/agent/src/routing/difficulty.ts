/** How hard a request looks, from its text alone. */
export interface DifficultyEstimate {
  /** 0 (chit-chat) to 1 (long, technical, needs reasoning or tools). */
  readonly score: number;
  /** True when the score reaches {@link HARD_THRESHOLD}. */
  readonly hard: boolean;
  /** Why, in words: "long", "code", "reasoning", "tools". Empty for an easy request. */
  readonly signals: readonly string[];
}

/** Requests scoring this or more go to the hard model. */
export const HARD_THRESHOLD = 0.5;

const CODE = [
  /```/,
  /\b(function|const|let|var|def|class|import|return|public|private|struct|fn)\s+\w/,
  /=>|::|\+\+|!==|===|\)\s*\{/,
  /\b(SELECT|INSERT|UPDATE|DELETE)\b[\s\S]*\b(FROM|INTO|SET|WHERE)\b/,
  /#include\s*</,
  /\b(stack trace|traceback|segfault|exception|stderr|compile error|TypeError|NullPointer)\b/i,
];

const REASONING =
  /\b(prove|proof|step[- ]by[- ]step|analy[sz]e|analysis|compare|trade-?offs?|architecture|design (a|an|the)|optimi[sz]e|refactor|debug|derive|calculate|estimate|strategy|plan (a|an|the|my)|in detail|pros and cons|evaluate|critique|review (this|my|the)|why does|why is|how would you)\b/gi;

/**
 * Estimate a request's difficulty from cues a small local model struggles with: length, code, reasoning
 * words, several questions at once, and the need for tools. Cheap and explainable: the signals are shown
 * in the route reason.
 */
export function estimateDifficulty(text: string, needsTools: boolean): DifficultyEstimate {
  const signals: string[] = [];
  let score = 0;
  if (text.length > 1_500) {
    score += 0.6;
    signals.push('very long');
  } else if (text.length > 600) {
    score += 0.35;
    signals.push('long');
  }
  if (CODE.some((pattern) => pattern.test(text))) {
    score += 0.35;
    signals.push('code');
  }
  const cues = new Set((text.match(REASONING) ?? []).map((cue) => cue.toLowerCase()));
  if (cues.size > 0) {
    score += Math.min(0.5, 0.25 * cues.size);
    signals.push(`reasoning (${[...cues].slice(0, 3).join(', ')})`);
  }
  if ((text.match(/\?/g) ?? []).length >= 3) {
    score += 0.15;
    signals.push('several questions');
  }
  if (needsTools) {
    score += 0.3;
    signals.push('tools');
  }
  const clamped = Math.min(1, Math.round(score * 100) / 100);
  return { score: clamped, hard: clamped >= HARD_THRESHOLD, signals };
}
