import type { LanguageModel, ModelCall, ModelPart } from '@switchboard/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  CutBehaviour,
  ErrorBehaviour,
  FakeModelServer,
  MalformedBehaviour,
  Pacing,
  StallBehaviour,
} from './fake-model';
import { collectParts, finalError, textDeltas } from './model-parts';

/** A plain text answer, which every fake model server gives. */
export interface ContractTextBehaviour extends Pacing {
  readonly type: 'text';
  readonly text: string;
}

/** The behaviours every fake model server understands; the contract uses only these. */
export type ContractBehaviour =
  | ContractTextBehaviour
  | ErrorBehaviour
  | StallBehaviour
  | CutBehaviour
  | MalformedBehaviour;

/** How the contract reaches one provider and its fake server. */
export interface ModelContractSetup {
  /** Start the provider's fake server; it must refuse any key but `key`. */
  start(key: string): Promise<FakeModelServer<ContractBehaviour>>;
  /** A model of the provider talking to `url` (the fake's) with `key`. */
  model(options: { readonly url: string; readonly key: string; readonly timeoutMs?: number }): LanguageModel;
}

const KEY = 'sk-contract-secret-key-0123456789';
const call: ModelCall = {
  messages: [{ role: 'user', content: 'Say something long enough to need several chunks.' }],
  maxOutputTokens: 64,
};
const zero = { inputTokens: 0, outputTokens: 0 };

/**
 * Register the stream contract every HTTP model provider keeps, under `describe(\`model contract: ${name}\`)`:
 * text streams in deltas and ends with one `finish`; every failure ends with exactly one `error` part
 * whose code the router can act on; aborting ends with `finish: abort` and closes the connection; a
 * silent server times out; the SDK never retries. Run it from a test file of each provider.
 */
export function modelStreamContract(name: string, setup: ModelContractSetup): void {
  describe(`model contract: ${name}`, () => {
    let fake: FakeModelServer<ContractBehaviour>;
    const model = (timeoutMs?: number) =>
      setup.model({ url: fake.url, key: KEY, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    const stream = (timeoutMs?: number, signal = new AbortController().signal) =>
      collectParts(model(timeoutMs).stream(call, signal));

    beforeAll(async () => {
      fake = await setup.start(KEY);
    });
    afterAll(async () => {
      await fake.close();
    });
    beforeEach(() => {
      fake.reset();
    });

    it('streams text as several deltas, then one finish with the usage', async () => {
      const text = 'The quick brown fox jumps over the lazy dog.';
      fake.enqueue({ type: 'text', text, chunkSize: 5 });
      const parts = await stream();
      expect(textDeltas(parts).length).toBeGreaterThanOrEqual(3);
      expect(textDeltas(parts).join('')).toBe(text);
      expect(parts.filter((part) => part.type === 'finish' || part.type === 'error')).toHaveLength(1);
      const finish = parts.at(-1);
      expect(finish).toMatchObject({ type: 'finish', reason: 'stop' });
      if (finish?.type === 'finish') expect(finish.usage.inputTokens).toBeGreaterThan(0);
    });

    it('makes exactly one request on a 500 and reports it as retryable', async () => {
      fake.enqueue({ type: 'error', status: 500 });
      const parts = await stream();
      expect(parts).toHaveLength(1);
      expect(finalError(parts)).toMatchObject({ code: 'provider_unavailable', retryable: true, status: 500 });
      expect(fake.requestCount).toBe(1);
    });

    it('reports a 429 as rate limited, with the wait from retry-after', async () => {
      fake.enqueue({ type: 'error', status: 429, retryAfterSeconds: 2 });
      const error = finalError(await stream());
      expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 2000, status: 429 });
      expect(error.message).toMatch(/try again in 2 s/);
      expect(fake.requestCount).toBe(1);
    });

    it('reports HTTP 529 as overloaded, retryable', async () => {
      fake.enqueue({ type: 'error', status: 529 });
      expect(finalError(await stream())).toMatchObject({ code: 'overloaded', retryable: true, status: 529 });
    });

    it('ends with finish "abort" when the signal aborts mid-answer, and closes the connection', async () => {
      fake.enqueue({ type: 'stall', afterChunks: 2, text: 'partial answer that never ends' });
      const controller = new AbortController();
      const parts: ModelPart[] = [];
      for await (const part of model().stream(call, controller.signal)) {
        parts.push(part);
        if (textDeltas(parts).length === 2) controller.abort();
      }
      expect(textDeltas(parts)).toEqual(['part', 'ial ']);
      expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'abort' });
      expect(parts.filter((part) => part.type === 'finish' || part.type === 'error')).toHaveLength(1);
      await expect.poll(() => fake.requests[0]?.outcome, { timeout: 2000 }).toBe('client-closed');
    });

    it('aborts a request that never got its headers', async () => {
      fake.enqueue({ type: 'stall' });
      const controller = new AbortController();
      const pending = collectParts(model().stream(call, controller.signal));
      await expect.poll(() => fake.requestCount).toBe(1);
      controller.abort();
      expect(await pending).toEqual([{ type: 'finish', reason: 'abort', usage: zero }]);
      await expect.poll(() => fake.requests[0]?.outcome, { timeout: 2000 }).toBe('client-closed');
    });

    it('makes no request when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      expect(await stream(undefined, controller.signal)).toEqual([
        { type: 'finish', reason: 'abort', usage: zero },
      ]);
      expect(fake.requestCount).toBe(0);
    });

    it('closes the connection when the consumer stops reading early', async () => {
      fake.enqueue({
        type: 'text',
        text: 'a long answer nobody reads to the end',
        chunkSize: 2,
        delayMs: 20,
      });
      for await (const part of model().stream(call, new AbortController().signal)) {
        if (part.type === 'text-delta') break;
      }
      await expect.poll(() => fake.requests[0]?.outcome, { timeout: 2000 }).toBe('client-closed');
    });

    it('gives up on a server that never answers, with a retryable timeout', async () => {
      fake.enqueue({ type: 'stall' });
      const parts = await stream(300);
      expect(parts).toHaveLength(1);
      expect(finalError(parts)).toMatchObject({ code: 'timeout', retryable: true });
      expect(finalError(parts).message).toMatch(/sent nothing for 300 ms/);
      await expect.poll(() => fake.requests[0]?.outcome, { timeout: 2000 }).toBe('client-closed');
    });

    it('gives up on a server that stalls after 300 pieces, keeping the text streamed so far', async () => {
      fake.enqueue({ type: 'stall', afterChunks: 300, text: 'word '.repeat(400), chunkSize: 5 });
      const parts = await stream(300);
      expect(textDeltas(parts)).toHaveLength(300);
      expect(textDeltas(parts).join('')).toBe('word '.repeat(300));
      expect(finalError(parts)).toMatchObject({ code: 'timeout', retryable: true });
    });

    it('does not count the time the consumer spends on a delta as server silence', async () => {
      fake.enqueue({ type: 'text', text: 'slow reader', chunkSize: 4 });
      const parts: ModelPart[] = [];
      for await (const part of model(200).stream(call, new AbortController().signal)) {
        parts.push(part);
        if (part.type === 'text-delta') await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(textDeltas(parts).join('')).toBe('slow reader');
      expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
    });

    it('reports a stream cut in the middle as connection_failed after the partial deltas', async () => {
      fake.enqueue({ type: 'cut', afterChunks: 3, text: 'this will be cut off soon', chunkSize: 4 });
      const parts = await stream();
      expect(textDeltas(parts)).toEqual(['this', ' wil', 'l be']);
      expect(finalError(parts)).toMatchObject({ code: 'connection_failed', retryable: true });
    });

    it('reports a malformed event as malformed_response after the good deltas', async () => {
      fake.enqueue({ type: 'malformed', afterChunks: 1, text: 'good then bad' });
      const parts = await stream();
      expect(textDeltas(parts)).toEqual(['good']);
      expect(finalError(parts)).toMatchObject({ code: 'malformed_response', retryable: true });
    });

    it('reports a refused connection as connection_failed, with the URL and without the key', async () => {
      const gone = await setup.start(KEY);
      await gone.close();
      const parts = await collectParts(
        setup.model({ url: gone.url, key: KEY }).stream(call, new AbortController().signal),
      );
      const error = finalError(parts);
      expect(error).toMatchObject({ code: 'connection_failed', retryable: true });
      expect(error.message).toContain(gone.url);
      expect(error.message).toContain('connection refused');
      expect(JSON.stringify(error)).not.toContain(KEY);
    });

    it('rejects a wrong key as auth_failed, not retryable, never showing a key', async () => {
      const wrongKey = 'sk-contract-wrong-but-secret-9876543210';
      const parts = await collectParts(
        setup.model({ url: fake.url, key: wrongKey }).stream(call, new AbortController().signal),
      );
      const error = finalError(parts);
      expect(error).toMatchObject({ code: 'auth_failed', retryable: false, status: 401 });
      expect(error.message).toMatch(/rejected the API key: check [A-Z]+_API_KEY/);
      for (const secret of [wrongKey, KEY]) {
        expect(JSON.stringify(error)).not.toContain(secret);
        expect(String((error.cause as Error | undefined)?.message)).not.toContain(secret);
      }
    });
  });
}
