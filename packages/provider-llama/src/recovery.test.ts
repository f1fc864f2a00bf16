import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelPart } from '@switchboard/core';
import { collectParts, finalError } from '@switchboard/testkit';
import { testModel } from '@switchboard/testkit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlamaLanguageModel } from './model';
import { createLlamaProvider, type LlamaProvider } from './provider';
import { ask, collectTimed, processExists, waitFor } from './testing';

const signal = () => new AbortController().signal;
const HANG_TIMEOUT_MS = 2000;

/** Stream a long answer and send `sig` to the model process at the first text delta. */
async function signalMidAnswer(model: LlamaLanguageModel, sig: NodeJS.Signals) {
  let signalledAt = 0;
  let pid = 0;
  const timed = await collectTimed(model.stream(ask('Talk for a long time.', 1500), signal()), (part) => {
    if (part.type !== 'text-delta' || signalledAt !== 0) return;
    pid = model.pid ?? 0;
    signalledAt = Date.now();
    process.kill(pid, sig);
  });
  return { parts: timed.map((entry) => entry.part), elapsedMs: (timed.at(-1)?.at ?? 0) - signalledAt, pid };
}

async function answers(model: LlamaLanguageModel): Promise<ModelPart[]> {
  const parts = await collectParts(model.stream(ask('Hello again', 6), signal()));
  expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'length' });
  return parts;
}

describe('llama provider: crashes and hangs of the model process', () => {
  let provider: LlamaProvider;
  let model: LlamaLanguageModel;

  beforeAll(async () => {
    provider = createLlamaProvider({
      models: [{ path: await testModel('chat') }],
      threads: 1,
      parallel: 1,
      contextSize: 2048,
      gpu: false,
      hangTimeoutMs: HANG_TIMEOUT_MS,
    });
    model = provider.models[0] as LlamaLanguageModel;
    expect((await provider.check(signal())).ok).toBe(true);
  });
  afterAll(async () => {
    await provider.close();
  });

  it('ends the answer with a retryable error when the process is killed, then restarts it', async () => {
    const waiting = collectParts(
      (async function* () {
        // Queued behind the answer that is about to crash: it fails with it.
        await new Promise((resolve) => setTimeout(resolve, 0));
        yield* model.stream(ask('Queued', 4), signal());
      })(),
    );
    const { parts, elapsedMs, pid } = await signalMidAnswer(model, 'SIGKILL');
    const error = finalError(parts);
    expect(error).toMatchObject({ code: 'local_model_crashed', retryable: true, provider: 'llama' });
    expect(error.message).toBe(
      `The local model ${model.ref} stopped unexpectedly and is restarting; try again in a moment.`,
    );
    expect(elapsedMs).toBeLessThan(10_000);
    expect(finalError(await waiting).code).toBe('local_model_crashed');
    expect(model.health()).toEqual({ available: false, detail: 'restarting after a crash' });

    await answers(model);
    expect(model.health()).toEqual({ available: true, detail: 'ready' });
    expect(model.pid).not.toBe(pid);
  });

  it('detects a hung process (SIGSTOP), kills it and answers the next request', async () => {
    const { parts, elapsedMs, pid } = await signalMidAnswer(model, 'SIGSTOP');
    const error = finalError(parts);
    expect(error).toMatchObject({ code: 'local_model_crashed', retryable: true });
    expect(error.message).toContain('stopped responding and is restarting');
    expect(elapsedMs).toBeGreaterThanOrEqual(HANG_TIMEOUT_MS - 100);
    expect(elapsedMs).toBeLessThan(10_000);
    await waitFor(() => !processExists(pid), 5000, `the hung process ${pid} to be gone`);

    await answers(model);
    expect(model.pid).not.toBe(pid);
  });
});

describe('llama provider: files that cannot be loaded', () => {
  let root: string;
  const providers: LlamaProvider[] = [];
  const modelFor = (path: string) => {
    const provider = createLlamaProvider({
      models: [{ path }],
      threads: 1,
      parallel: 1,
      contextSize: 512,
      gpu: false,
    });
    providers.push(provider);
    return { provider, model: provider.models[0] as LlamaLanguageModel };
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'switchboard-llama-'));
  });
  afterAll(async () => {
    await Promise.all(providers.map((provider) => provider.close()));
    await rm(root, { recursive: true, force: true });
  });

  it('reports a missing file as a load failure naming the path, not retryable', async () => {
    const path = join(root, 'gone.gguf');
    const { provider, model } = modelFor(path);
    const error = finalError(await collectParts(model.stream(ask('Hello', 4), signal())));
    expect(error).toMatchObject({ code: 'local_model_failed', retryable: false, provider: 'llama' });
    expect(error.message).toBe(
      `The local model llama:gone could not be loaded from ${path}: there is no such file. Check the file (LLAMA_MODEL_PATH or ./models).`,
    );
    expect(model.health()).toEqual({ available: false, detail: 'failed to load: there is no such file' });
    const check = await provider.check(signal());
    expect(check).toEqual({ ok: false, detail: expect.stringContaining(path) });
  });

  it('reports a corrupt GGUF file as a load failure', async () => {
    const path = join(root, 'corrupt.gguf');
    await writeFile(
      path,
      Buffer.concat([Buffer.from('GGUF\u0003\u0000\u0000\u0000', 'latin1'), Buffer.alloc(64, 7)]),
    );
    const { model } = modelFor(path);
    const error = finalError(await collectParts(model.stream(ask('Hello', 4), signal())));
    expect(error).toMatchObject({ code: 'local_model_failed', retryable: false });
    expect(error.message).toContain(`could not be loaded from ${path}: llama.cpp cannot read it;`);
  });
});

describe('llama provider: close()', () => {
  it('fails the answer in progress and leaves no model process behind', async () => {
    const provider = createLlamaProvider({
      models: [{ path: await testModel('chat') }],
      threads: 1,
      parallel: 1,
      contextSize: 2048,
      gpu: false,
    });
    const model = provider.models[0] as LlamaLanguageModel;
    let pid = 0;
    let closing: Promise<void> | undefined;
    const parts = await collectParts(
      (async function* () {
        for await (const part of model.stream(ask('Talk for a long time.', 1500), signal())) {
          if (part.type === 'text-delta' && closing === undefined) {
            pid = model.pid ?? 0;
            closing = provider.close();
          }
          yield part;
        }
      })(),
    );
    await closing;
    expect(finalError(parts)).toMatchObject({ code: 'local_model_closed', retryable: true });
    expect(pid).toBeGreaterThan(0);
    expect(processExists(pid)).toBe(false);
  });
});
