import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { modelCacheDirectory, nodeLlamaCppDirectory } from './paths';

const run = promisify(execFile);

/** The llama.cpp source that node-llama-cpp ships, checked out once and cached. */
export interface LlamaCppSource {
  /** The checkout: `models/ggml-vocab-*.gguf`, `models/templates/*.jinja`, the CMake project. */
  readonly directory: string;
  /** node-llama-cpp's `llama.cpp.info.json` (release tag and commit), to key caches on. */
  readonly release: string;
}

let pending: Promise<LlamaCppSource | undefined> | undefined;

/**
 * Clones `node-llama-cpp/llama/gitRelease.bundle` into `node_modules/.cache/switchboard-models/llama.cpp`
 * (about 2 s, once; concurrent processes race safely: each clones to a temporary name and the first
 * rename wins). Undefined when node-llama-cpp or git is not available.
 */
export function llamaCppSource(): Promise<LlamaCppSource | undefined> {
  pending ??= checkout();
  return pending;
}

async function checkout(): Promise<LlamaCppSource | undefined> {
  const packageDirectory = nodeLlamaCppDirectory();
  if (packageDirectory === undefined) return undefined;
  const release = await readFile(join(packageDirectory, 'llama', 'llama.cpp.info.json'), 'utf8').catch(
    () => '',
  );
  const directory = join(modelCacheDirectory, 'llama.cpp');
  if (isComplete(directory)) return { directory, release };
  await mkdir(modelCacheDirectory, { recursive: true });
  const temporary = `${directory}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    const bundle = join(packageDirectory, 'llama', 'gitRelease.bundle');
    await run('git', ['-c', 'advice.detachedHead=false', 'clone', '--quiet', bundle, temporary]);
    await rename(temporary, directory).catch((error: unknown) => {
      if (!isComplete(directory)) throw error;
    });
    return { directory, release };
  } catch {
    return undefined;
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

function isComplete(directory: string): boolean {
  return (
    existsSync(join(directory, 'models', 'ggml-vocab-qwen2.gguf')) &&
    existsSync(join(directory, 'CMakeLists.txt'))
  );
}
