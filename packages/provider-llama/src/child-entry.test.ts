import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectParts, finalError, textDeltas } from '@switchboard/testkit';
import { testModel } from '@switchboard/testkit/models';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { childExecArgv, LLAMA_CHILD_ENV, llamaChildEntry } from './child-entry';
import type { LlamaLanguageModel } from './model';
import { createLlamaProvider, type LlamaProvider } from './provider';
import { ask } from './testing';

describe('llamaChildEntry', () => {
  it('runs the TypeScript source through tsx in development', () => {
    const entry = llamaChildEntry({});
    expect(entry).toBe(fileURLToPath(new URL('./child/main.ts', import.meta.url)));
    expect(existsSync(entry)).toBe(true);
    const [flag, loader] = childExecArgv(entry);
    expect(flag).toBe('--import');
    expect(loader).toMatch(/^file:\/\/.*\/tsx\/dist\/loader\.mjs$/);
  });

  it('takes the entry from SWITCHBOARD_LLAMA_CHILD, and a .js entry needs no loader', () => {
    expect(llamaChildEntry({ [LLAMA_CHILD_ENV]: '/opt/box/llama-child.js' })).toBe('/opt/box/llama-child.js');
    expect(childExecArgv('/opt/box/llama-child.js')).toEqual([]);
  });
});

describe('the bundled model process', () => {
  // Inside this package's node_modules, so that the bundle finds node-llama-cpp as the box's bundle does.
  const outDir = fileURLToPath(new URL('../node_modules/.cache/llama-child-test/', import.meta.url));
  const saved = process.env[LLAMA_CHILD_ENV];
  let provider: LlamaProvider | undefined;

  afterAll(async () => {
    await provider?.close();
    if (saved === undefined) delete process.env[LLAMA_CHILD_ENV];
    else process.env[LLAMA_CHILD_ENV] = saved;
    await rm(outDir, { recursive: true, force: true });
  });

  it('reports a missing model process program as a load failure that says what to do', async () => {
    const missing = join(outDir, 'not-built', 'llama-child.js');
    process.env[LLAMA_CHILD_ENV] = missing;
    const lost = createLlamaProvider({
      models: [{ path: '/models/any.gguf' }],
      threads: 1,
      parallel: 1,
      contextSize: 512,
      gpu: false,
    });
    const parts = await collectParts(
      (lost.models[0] as LlamaLanguageModel).stream(ask('Hello', 5), new AbortController().signal),
    );
    expect(finalError(parts)).toMatchObject({ code: 'local_model_failed', retryable: false });
    expect(finalError(parts).message).toBe(
      `The local model llama:any could not be loaded from /models/any.gguf: its model process program ${missing} is missing. Build llama-child.js beside the bundle, or set SWITCHBOARD_LLAMA_CHILD.`,
    );
    expect(await lost.check(new AbortController().signal)).toEqual({
      ok: false,
      detail: finalError(parts).message,
    });
    await lost.close();
  });

  it('answers when built with esbuild into one llama-child.js, node-llama-cpp left external', async () => {
    await mkdir(outDir, { recursive: true });
    const outfile = join(outDir, 'llama-child.js');
    await build({
      entryPoints: [fileURLToPath(new URL('./child/main.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['node-llama-cpp'],
      outfile,
      logLevel: 'silent',
    });
    process.env[LLAMA_CHILD_ENV] = outfile;
    provider = createLlamaProvider({
      models: [{ path: await testModel('chat') }],
      threads: 1,
      parallel: 1,
      contextSize: 512,
      gpu: false,
    });
    const model = provider.models[0] as LlamaLanguageModel;
    const parts = await collectParts(model.stream(ask('Hello', 5), new AbortController().signal));
    expect(textDeltas(parts).length).toBeGreaterThan(0);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', reason: 'length' });
  });
});
