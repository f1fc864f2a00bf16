import type { MarkedAnswer } from '../../packages/testkit/src/fake-openai/index';
import type { Random } from './random';

/** Where in a request's life a kill is aimed (the box's timing decides where it really lands). */
export type KillPhase = 'before-ack' | 'accepting' | 'mid-answer' | 'final-delivery';

/** The phases, in the order a request goes through them. */
export const KILL_PHASES: readonly KillPhase[] = ['before-ack', 'accepting', 'mid-answer', 'final-delivery'];

/** When to kill the box, counted from the moment the chosen request was sent. */
export interface KillPlan {
  readonly phase: KillPhase;
  readonly delayMs: number;
}

/** About how long the box takes from a request to the model's first piece. */
const MODEL_START_MS = 100;

/**
 * Aim a kill at a phase of `answer`'s request: within 40 ms of sending (before the platform is
 * acknowledged), 40–300 ms (accepting it: the task begins, the model starts), while the answer streams,
 * or around its end (the final text is delivered and the task ends). Weights 20/20/35/25 %.
 */
export function planKill(random: Random, answer: MarkedAnswer): KillPlan {
  const end = MODEL_START_MS + answer.durationMs;
  const roll = random.next();
  if (roll < 0.2) return { phase: 'before-ack', delayMs: random.integer(0, 40) };
  if (roll < 0.4) return { phase: 'accepting', delayMs: random.integer(40, 300) };
  if (roll < 0.75) return { phase: 'mid-answer', delayMs: random.integer(300, Math.max(300, end - 150)) };
  return { phase: 'final-delivery', delayMs: random.integer(Math.max(300, end - 150), end + 350) };
}
