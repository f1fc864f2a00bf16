import { type MarkedAnswer, markedAnswer } from '../../packages/testkit/src/fake-openai/index';
import type { ChaosPlatform } from './options';

/** How the fake model answers during a chaos run: 25–60 words, a piece every 20–50 ms (about 1–3 s). */
export const ANSWER_PACE = {
  words: { min: 25, max: 60 },
  delayMs: { min: 20, max: 50 },
  chunkSize: 4,
} as const;

const SHORT_NAMES: Record<ChaosPlatform, string> = { web: 'w', telegram: 't', slack: 's', discord: 'd' };

/** One request the bench made, and what its answer must be. */
export interface ChaosRequest {
  /** 0, 1, 2… in the order requests were planned, over all platforms. */
  readonly index: number;
  readonly platform: ChaosPlatform;
  /** The round it was sent in (round `k` ends with kill `k`, the last round with none). */
  readonly round: number;
  /** `req-<run>-<platform letter><index>`: in the request's text, and so in its answer. */
  readonly marker: string;
  readonly answer: MarkedAnswer;
  /** What the user writes (the marker and a few words). */
  readonly text: string;
  /** `Date.now()` when it was handed to the platform; set by the client. */
  sentAt: number | undefined;
}

/** A new request; `run` tells runs apart (letters and digits). */
export function planRequest(
  run: string,
  index: number,
  platform: ChaosPlatform,
  round: number,
): ChaosRequest {
  const marker = `req-${run}-${SHORT_NAMES[platform]}${index}`;
  return {
    index,
    platform,
    round,
    marker,
    answer: markedAnswer(marker, ANSWER_PACE),
    text: `${marker} please answer`,
    sentAt: undefined,
  };
}
