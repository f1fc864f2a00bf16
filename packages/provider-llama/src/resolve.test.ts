import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SwitchboardError } from '@switchboard/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveLlamaModels } from './resolve';

const GGUF = Buffer.from('GGUF\u0003\u0000\u0000\u0000', 'latin1');
const signal = () => new AbortController().signal;

async function failure(promise: Promise<unknown>): Promise<SwitchboardError> {
  try {
    await promise;
  } catch (error) {
    if (SwitchboardError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a SwitchboardError, got a result');
}

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('resolveLlamaModels', () => {
  let root: string;
  const savedEndpoint = process.env['HF_ENDPOINT'];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'switchboard-resolve-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  afterEach(() => {
    if (savedEndpoint === undefined) delete process.env['HF_ENDPOINT'];
    else process.env['HF_ENDPOINT'] = savedEndpoint;
  });

  it('takes the first *.gguf of the models directory by name', async () => {
    const dir = join(root, 'models');
    await mkdir(dir);
    await writeFile(join(dir, 'b-model.gguf'), GGUF);
    await writeFile(join(dir, 'a-model.GGUF'), GGUF);
    await writeFile(join(dir, 'notes.txt'), 'not a model');
    const models = await resolveLlamaModels({ modelsDir: dir, downloadDir: root }, signal());
    expect(models).toEqual([{ path: join(dir, 'a-model.GGUF') }]);
  });

  it('finds nothing in a missing or model-less directory', async () => {
    expect(
      await resolveLlamaModels({ modelsDir: join(root, 'nowhere'), downloadDir: root }, signal()),
    ).toEqual([]);
    const empty = join(root, 'empty');
    await mkdir(empty);
    expect(await resolveLlamaModels({ modelsDir: empty, downloadDir: root }, signal())).toEqual([]);
  });

  it('uses the given file, resolved to an absolute path', async () => {
    const path = join(root, 'given.gguf');
    await writeFile(path, GGUF);
    const models = await resolveLlamaModels(
      { modelPath: path, modelsDir: '/nowhere', downloadDir: root },
      signal(),
    );
    expect(models).toEqual([{ path }]);
  });

  it('names the path of a missing file', async () => {
    const path = join(root, 'missing.gguf');
    const error = await failure(
      resolveLlamaModels({ modelPath: path, modelsDir: root, downloadDir: root }, signal()),
    );
    expect(error.code).toBe('local_model_missing');
    expect(error.message).toBe(
      `Cannot use the local model file ${path}: there is no such file. Set LLAMA_MODEL_PATH to a .gguf file, or unset it to use the first .gguf file in the models directory.`,
    );
  });

  it('refuses a file that is not GGUF', async () => {
    const path = join(root, 'weights.bin');
    await writeFile(path, 'PK\u0003\u0004 a zip file');
    const error = await failure(
      resolveLlamaModels({ modelPath: path, modelsDir: root, downloadDir: root }, signal()),
    );
    expect(error).toMatchObject({ code: 'local_model_missing' });
    expect(error.message).toContain(`${path}: it is not a GGUF model`);
    expect(error.message).toContain('Set LLAMA_MODEL_PATH to a .gguf file');
  });

  it('says to replace a file in the models directory that is not GGUF', async () => {
    const folder = join(root, 'broken-models');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'a-model.gguf'), '<html>a download page</html>');
    const error = await failure(resolveLlamaModels({ modelsDir: folder, downloadDir: folder }, signal()));
    expect(error.message).toContain('it is not a GGUF model');
    expect(error.message).toContain('Replace or remove it');
  });

  it('says how to go on when an hf: model cannot be downloaded', async () => {
    process.env['HF_ENDPOINT'] = `http://127.0.0.1:${await closedPort()}`;
    const models = join(root, 'offline-models');
    for (const uri of ['hf:someone/some-model-GGUF:Q4_K_M', 'hf:someone/some-model-GGUF/model.Q4_K_M.gguf']) {
      const started = Date.now();
      const error = await failure(
        resolveLlamaModels(
          { modelPath: uri, modelsDir: models, downloadDir: join(root, 'downloads') },
          signal(),
        ),
      );
      expect(error.code).toBe('local_model_download_failed');
      expect(error.message).toMatch(new RegExp(`^Could not download the local model ${uri} \\(.+\\)\\.`));
      expect(error.message).toContain(
        `Without internet access, put a .gguf file into ${models} (or set LLAMA_MODEL_PATH to a file) and start again.`,
      );
      expect(Date.now() - started).toBeLessThan(15_000);
    }
  });
});
