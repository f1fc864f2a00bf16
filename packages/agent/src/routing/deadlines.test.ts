import type { LanguageModel, ModelCall, ModelPart, ModelRef } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AttemptHooks, type AttemptPlan, type AttemptResult, ModelRunner } from './attempts';
import { CircuitBreaker } from './circuit-breaker';
import { DEFAULT_ROUTING } from './defaults';
import { TaskClock } from './task-clock';

const DEAD: ModelRef = 'openai:dead';
const ALIVE: ModelRef = 'anthropic:alive';
const TRICKLE: ModelRef = 'openai:trickle';
const LOCAL: ModelRef = 'llama:busy';
const CALL: ModelCall = { messages: [{ role: 'user', content: 'hello' }], maxOutputTokens: 1024 };

/** A pause on the (fake) clock that ends early when the call is cancelled. */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** A hand-written model whose stream is the generator `script` makes (the model contract's boundary). */
function model(ref: ModelRef, script: (signal: AbortSignal) => AsyncIterable<ModelPart>): LanguageModel {
  return {
    ref,
    locality: ref.startsWith('llama:') ? 'local' : 'cloud',
    stream: (_call, signal) => script(signal),
  };
}

const neverAnswers = model(DEAD, async function* (signal) {
  await pause(1e9, signal);
  yield { type: 'finish', reason: 'abort', usage: { inputTokens: 0, outputTokens: 0 } };
});
const answers = model(ALIVE, async function* () {
  yield { type: 'text-delta', delta: 'Here I am.' };
  yield { type: 'finish', reason: 'stop', usage: { inputTokens: 3, outputTokens: 3 } };
});
/** A token every 15 s, forever: never idle long enough for the idle timeout. */
const trickles = model(TRICKLE, async function* (signal) {
  while (!signal.aborted) {
    yield { type: 'text-delta', delta: 'drip ' };
    await pause(15_000, signal);
  }
});
/** Waits in the local queue for 120 s (a notice every 40 s), then writes for 40 s. */
const queuedThenWrites = model(LOCAL, async function* (signal) {
  for (const position of [3, 2, 1]) {
    yield { type: 'queued', position };
    await pause(40_000, signal);
  }
  for (let second = 0; second < 40; second += 5) {
    yield { type: 'text-delta', delta: 'word ' };
    await pause(5_000, signal);
  }
  yield { type: 'finish', reason: 'stop', usage: { inputTokens: 3, outputTokens: 8 } };
});

const hooks: AttemptHooks = { onDelta: async () => {}, onStatus: async () => {}, onEvent: async () => {} };

function runner(models: readonly LanguageModel[], routing = DEFAULT_ROUTING): ModelRunner {
  return new ModelRunner({
    models: (ref) => models.find((candidate) => candidate.ref === ref),
    breaker: new CircuitBreaker({ failures: 3, cooldownMs: 30_000, now: Date.now }),
    timeouts: { firstTokenMs: routing.firstTokenTimeoutMs, idleMs: routing.idleTimeoutMs },
    runFirstTokenMs: routing.turnFirstTokenTimeoutMs,
    now: Date.now,
  });
}

/** Run `plan` and say how it ended once `ms` of fake time have passed (undefined: still running). */
async function after(ms: number, run: Promise<AttemptResult>): Promise<AttemptResult | undefined> {
  let result: AttemptResult | undefined;
  void run.then((value) => {
    result = value;
  });
  await vi.advanceTimersByTimeAsync(ms);
  return result;
}

describe('the bounds of a turn, on the default settings', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives up on the only model, which never answers, with a clear error within 35 s (not 137 s)', async () => {
    const plan: AttemptPlan = { candidates: [DEAD], call: CALL, stream: true };
    const result = await after(35_000, runner([neverAnswers]).run(plan, new AbortController().signal, hooks));
    expect(result).toMatchObject({ kind: 'error', error: { code: 'timeout' } });
    expect(result?.error?.message).toMatch(/No model started answering within 30 s/);
  });

  it('tries the fallback of a model that never answers, and it answers, within 35 s', async () => {
    const plan: AttemptPlan = { candidates: [DEAD, ALIVE], call: CALL, stream: true };
    const result = await after(
      35_000,
      runner([neverAnswers, answers]).run(plan, new AbortController().signal, hooks),
    );
    expect(result).toMatchObject({ kind: 'done', model: ALIVE, text: 'Here I am.' });
  });

  it('stops a stream that trickles a token every 15 s at the task deadline, with a clear message', async () => {
    expect(DEFAULT_ROUTING.taskDeadlineMs).toBe(600_000);
    const deadline = new TaskClock(DEFAULT_ROUTING.taskDeadlineMs, Date.now);
    const plan: AttemptPlan = { candidates: [TRICKLE], call: CALL, stream: true, deadline };
    const run = runner([trickles]).run(plan, new AbortController().signal, hooks);
    expect(await after(590_000, run)).toBeUndefined();
    const result = await after(15_000, run);
    expect(result).toMatchObject({ kind: 'error', attempts: 1, error: { code: 'task_deadline' } });
    expect(result?.error?.message).toMatch(/stopped at the task deadline of 600 s \(TASK_DEADLINE_SECONDS\)/);
  });

  it("does not count a local model's queue wait against the task deadline", async () => {
    const deadline = new TaskClock(60_000, Date.now);
    const plan: AttemptPlan = { candidates: [LOCAL], call: CALL, stream: true, deadline };
    const result = await after(
      170_000,
      runner([queuedThenWrites]).run(plan, new AbortController().signal, hooks),
    );
    expect(result).toMatchObject({ kind: 'done', model: LOCAL, text: 'word '.repeat(8) });
  });
});
