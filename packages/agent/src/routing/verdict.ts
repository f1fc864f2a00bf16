import type { ChatMessage, ModelCall } from '@switchboard/core';

/** A grader's judgement of an answer. */
export interface Verdict {
  /** 0 (wrong or useless) to 1 (correct and complete). */
  readonly score: number;
  readonly reason: string;
}

/** The JSON the grader must produce; a grammar on local models. */
export const VERDICT_SCHEMA = {
  type: 'object',
  properties: {
    score: { type: 'number', minimum: 0, maximum: 1 },
    reason: { type: 'string', maxLength: 200 },
  },
  required: ['score', 'reason'],
} as const;

const GRADER_INSTRUCTIONS =
  'You grade answers. Score how correct, complete and helpful the answer is for the question, from 0 (wrong or useless) to 1 (correct and complete). Reply with JSON only: {"score": <0..1>, "reason": "<one short sentence>"}.';

/** The grading call: the question, the answer, a JSON schema and a small token cap. */
export function gradingCall(question: string, answer: string, maxOutputTokens: number): ModelCall {
  const messages: ChatMessage[] = [
    { role: 'system', content: GRADER_INSTRUCTIONS },
    { role: 'user', content: `Question:\n${question}\n\nAnswer:\n${answer}` },
  ];
  return { messages, maxOutputTokens, temperature: 0, responseSchema: VERDICT_SCHEMA };
}

/**
 * Read a grader's reply: the first JSON object in it with a numeric `score` (clamped to 0–1; a score on a
 * 0–10 or 0–100 scale is scaled down). `undefined` when there is none: the caller treats an unreadable
 * verdict as a failed grade.
 */
export function parseVerdict(text: string): Verdict | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { score, reason } = data as { score?: unknown; reason?: unknown };
  const value = typeof score === 'string' ? Number.parseFloat(score) : score;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const scaled = value > 1 && value <= 10 ? value / 10 : value > 10 && value <= 100 ? value / 100 : value;
  return {
    score: Math.min(1, Math.max(0, Math.abs(scaled))),
    reason: typeof reason === 'string' ? reason.slice(0, 200) : '',
  };
}
