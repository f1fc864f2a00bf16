import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '@switchboard/core';
import { collectParts, textDeltas } from '@switchboard/testkit';
import { testModel } from '@switchboard/testkit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlamaProviderOptions } from '../options';
import { createLlamaProvider, type LlamaProvider } from '../provider';
import { ask } from '../testing';
import { threadpoolLibrary } from './threadpool-library';

const run = promisify(execFile);
const signal = () => new AbortController().signal;

/** Log lines as parsed objects. */
function recordingLogger(lines: Record<string, unknown>[]) {
  return createLogger({
    level: 'debug',
    destination: { write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
}

async function answer(provider: LlamaProvider): Promise<string> {
  const model = provider.models[0];
  if (model === undefined) throw new Error('no model');
  const parts = await collectParts(model.stream(ask('Tell me about the sea.', 24), signal()));
  return textDeltas(parts).join('');
}

describe('persistent thread pool library', () => {
  let cacheDir: string;

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'switchboard-threadpool-'));
  });
  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('is built once from node-llama-cpp’s llama.cpp headers, then taken from the cache', async () => {
    const first = await threadpoolLibrary({ cacheDir });
    expect(first).toMatchObject({ kind: 'ready', built: true });
    if (first.kind !== 'ready') return;
    expect(first.path.startsWith(join(cacheDir, 'llama-threadpool'))).toBe(true);
    const built = await stat(first.path);
    const second = await threadpoolLibrary({ cacheDir });
    expect(second).toEqual({ kind: 'ready', path: first.path, built: false });
    expect((await stat(first.path)).mtimeMs).toBe(built.mtimeMs);
  });

  it('says which tool is missing, and tries again next time (the user may install it)', async () => {
    const dir = await mkdtemp(join(cacheDir, 'missing-'));
    const missing = await threadpoolLibrary({ cacheDir: dir, compiler: 'no-such-cc' });
    expect(missing).toEqual({
      kind: 'unavailable',
      reason: 'running no-such-cc failed: no-such-cc is not installed',
    });
    expect(await threadpoolLibrary({ cacheDir: dir })).toMatchObject({ kind: 'ready', built: true });
  });

  it('remembers a failed build instead of failing again on every start', async () => {
    const dir = await mkdtemp(join(cacheDir, 'failing-'));
    const counter = join(dir, 'runs');
    const compiler = join(dir, 'broken-cc');
    await writeFile(compiler, `#!/bin/sh\necho run >> '${counter}'\necho 'cc: internal error' >&2\nexit 1\n`);
    await chmod(compiler, 0o755);
    const failed = await threadpoolLibrary({ cacheDir: dir, compiler });
    expect(failed).toEqual({ kind: 'unavailable', reason: `running ${compiler} failed: cc: internal error` });
    expect(await threadpoolLibrary({ cacheDir: dir, compiler })).toEqual(failed);
    expect((await readFile(counter, 'utf8')).trim().split('\n')).toHaveLength(1);
  });
});

describe('llama provider with the persistent thread pool', () => {
  const lines: Record<string, unknown>[] = [];
  let cacheDir: string;
  let base: Omit<LlamaProviderOptions, 'logger'>;
  const providers: LlamaProvider[] = [];

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'switchboard-threadpool-'));
    base = {
      models: [{ path: await testModel('chat') }],
      threads: 2,
      parallel: 1,
      contextSize: 512,
      gpu: false,
    };
  });
  afterAll(async () => {
    await Promise.all(providers.map((provider) => provider.close()));
    await rm(cacheDir, { recursive: true, force: true });
  });

  const start = (options: Partial<LlamaProviderOptions>) => {
    const provider = createLlamaProvider({ ...base, logger: recordingLogger(lines), ...options });
    providers.push(provider);
    return provider;
  };

  it('attaches a pool of the configured threads to the context and answers exactly as without it', async () => {
    const pooled = start({ threadpool: { cacheDir } });
    expect(await pooled.check(signal())).toMatchObject({
      ok: true,
      detail: expect.stringContaining('(2 threads, persistent thread pool)'),
    });
    expect(lines.find((line) => line['msg'] === 'local model ready')).toMatchObject({ threadpool: 2 });
    const plain = start({});
    expect(await plain.check(signal())).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/\(2 threads\)\.$/),
    });
    const text = await answer(pooled);
    expect(text.length).toBeGreaterThan(0);
    expect(await answer(plain)).toBe(text);
  });

  it('starts the model process again without a library that kills it while loading', async () => {
    const dir = await mkdtemp(join(cacheDir, 'broken-'));
    const source = join(dir, 'broken.c');
    await writeFile(
      source,
      '#include <stdlib.h>\nvoid *llama_init_from_model(void *model) { (void)model; abort(); }\n',
    );
    const library = join(dir, 'libbroken.so');
    await run('cc', ['-shared', '-fPIC', source, '-o', library]);
    expect(existsSync(library)).toBe(true);
    lines.length = 0;
    const provider = start({ testing: { threadpoolLibrary: library } });
    expect((await answer(provider)).length).toBeGreaterThan(0);
    expect(lines.map((line) => line['msg'])).toContain(
      'local model process stopped while loading with the persistent thread pool; starting it without',
    );
    expect(lines.find((line) => line['msg'] === 'local model ready')).toMatchObject({ threadpool: 0 });
  });
});
