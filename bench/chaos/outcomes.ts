import { type MarkedAnswer, markedProgress } from '../../packages/testkit/src/fake-openai/index';
import type { ChaosPlatform } from './options';

/** What the user of one request has seen, as a platform's fake (or the web client) recorded it. */
export interface Observation {
  /** Final replies that hold the whole answer, end marker included. */
  readonly answers: number;
  /**
   * Final replies that are not the answer: a finished message with none of it, such as "the box restarted
   * while answering; ask again" (web: a `reply-end` without the answer, or an `error` part).
   */
  readonly notices: number;
  /** Messages left short of an end: a placeholder, part of the answer, a stream never stopped, a deferred reply never filled. */
  readonly unfinished: number;
  /** The platform gave up on the request: told the user it failed (Discord), or stopped retrying (Slack). */
  readonly gaveUp: boolean;
  /** Something may still change: a retry is due, an acknowledgement deadline has not passed. */
  readonly pending: boolean;
}

/** How one request ended. */
export type Verdict = 'one-final' | 'duplicate' | 'no-final' | 'gave-up';

/** Exactly one final reply is the goal; a platform that gave up before the box saw the request is not the box's loss. */
export function verdictOf(observation: Observation): Verdict {
  const finals = observation.answers + observation.notices;
  if (finals > 1) return 'duplicate';
  if (finals === 1) return 'one-final';
  return observation.gaveUp ? 'gave-up' : 'no-final';
}

/** How a bot message of a request reads. */
export type MessageState = 'answer' | 'notice' | 'unfinished';

/**
 * A text that shows work in progress: empty, or ending in an ellipsis ("…", "is thinking…"), markdown
 * emphasis around it included ("*thinking on openai:gpt-4o…*").
 */
const IN_PROGRESS = /^[\s*_~`]*$|(?:…|\.\.\.)[\s*_~`]*$/;

/**
 * Classify one message the bot made for a request: the whole answer; a finished message with none of the
 * answer (a notice); or unfinished — part of the answer, a placeholder or status line, or a message the
 * platform still shows as in progress (`open`: a Slack stream never stopped).
 */
export function messageState(text: string, answer: MarkedAnswer, open = false): MessageState {
  if (open) return 'unfinished';
  const progress = markedProgress(text, answer);
  if (progress === 'whole') return 'answer';
  if (progress === 'partial' || IN_PROGRESS.test(text)) return 'unfinished';
  return 'notice';
}

/** Sum the states of a request's messages into an observation. */
export function observeMessages(
  states: readonly MessageState[],
  platform: { readonly gaveUp: boolean; readonly pending: boolean },
): Observation {
  return {
    answers: states.filter((state) => state === 'answer').length,
    notices: states.filter((state) => state === 'notice').length,
    unfinished: states.filter((state) => state === 'unfinished').length,
    gaveUp: platform.gaveUp,
    pending: platform.pending,
  };
}

/** The figures of one platform in one run. */
export interface PlatformTally {
  readonly platform: ChaosPlatform;
  readonly requests: number;
  /** Requests with exactly one final reply (answer or notice). */
  readonly oneFinal: number;
  /** Of those, how many ended with a notice rather than the answer. */
  readonly notices: number;
  /** Requests with more than one final reply. */
  readonly duplicates: number;
  /** Requests the platform delivered (or still holds) that never got a final reply. */
  readonly noFinal: number;
  /** Requests the platform gave up on before the box acknowledged them. */
  readonly gaveUp: number;
  /** Bot messages left unfinished, over all requests. */
  readonly unfinishedMessages: number;
  /** Model calls beyond the first, over all requests (the answer was generated again). */
  readonly reruns: number;
}

/** Tally the observations (and model calls per request) of one platform. */
export function tallyPlatform(
  platform: ChaosPlatform,
  observations: readonly { readonly observation: Observation; readonly modelCalls: number }[],
): PlatformTally {
  const verdicts = observations.map(({ observation }) => verdictOf(observation));
  const count = (verdict: Verdict) => verdicts.filter((candidate) => candidate === verdict).length;
  return {
    platform,
    requests: observations.length,
    oneFinal: count('one-final'),
    notices: observations.filter(
      ({ observation }) => verdictOf(observation) === 'one-final' && observation.notices === 1,
    ).length,
    duplicates: count('duplicate'),
    noFinal: count('no-final'),
    gaveUp: count('gave-up'),
    unfinishedMessages: observations.reduce((sum, { observation }) => sum + observation.unfinished, 0),
    reruns: observations.reduce((sum, { modelCalls }) => sum + Math.max(0, modelCalls - 1), 0),
  };
}
