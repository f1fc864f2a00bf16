import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The file name of the compiled library, in its cache folder. */
const LIBRARY_FILE = 'libswitchboard-threadpool.so';
/**
 * Written instead of the library when building it failed (not for a missing `git` or compiler, which a
 * user may install), so later starts do not try again.
 */
const FAILED_FILE = 'unavailable.txt';
/** The C source, beside this module (and beside the box's bundle, which copies it). */
const SOURCE_FILE = 'persistent-threadpool.c';
const STEP_TIMEOUT_MS = 60_000;

/** The persistent thread pool library for the model process, or why there is none. */
export type ThreadpoolLibrary =
  | { readonly kind: 'ready'; readonly path: string; readonly built: boolean }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** Where and how {@link threadpoolLibrary} builds the library. */
export interface ThreadpoolLibraryOptions {
  /** The cache folder; the library goes to `<cacheDir>/llama-threadpool/<key>/`. */
  readonly cacheDir: string;
  /** The C compiler; default `$CC`, else `cc`. */
  readonly compiler?: string;
  /** Where node-llama-cpp is installed; default: resolved from this package. */
  readonly nodeLlamaCppDirectory?: string;
}

/**
 * The library that gives the model process's llama.cpp context a persistent thread pool (see
 * `persistent-threadpool.c`), loaded with `LD_PRELOAD`. Linux only. Built once with the system's C
 * compiler against the headers of the llama.cpp that node-llama-cpp ships (from its git bundle: needs
 * `git`), and cached under a key of the C source, node-llama-cpp's version and its llama.cpp release;
 * a failed build is remembered under the same key. Never throws: what is missing is the `reason`.
 */
export async function threadpoolLibrary(options: ThreadpoolLibraryOptions): Promise<ThreadpoolLibrary> {
  if (process.platform !== 'linux') {
    return { kind: 'unavailable', reason: `not needed or not supported on ${process.platform}` };
  }
  try {
    const packageDirectory = options.nodeLlamaCppDirectory ?? installedNodeLlamaCpp();
    const source = await readFile(sourcePath(), 'utf8');
    const key = await cacheKey(packageDirectory, source);
    const directory = join(options.cacheDir, 'llama-threadpool', key);
    const library = join(directory, LIBRARY_FILE);
    if (existsSync(library)) return { kind: 'ready', path: library, built: false };
    const failed = await readFile(join(directory, FAILED_FILE), 'utf8').catch(() => undefined);
    if (failed !== undefined) return { kind: 'unavailable', reason: failed.trim() };
    return await build(packageDirectory, source, directory, options.compiler ?? process.env['CC'] ?? 'cc');
  } catch (error) {
    return { kind: 'unavailable', reason: error instanceof Error ? error.message : String(error) };
  }
}

function sourcePath(): string {
  return fileURLToPath(new URL(`./${SOURCE_FILE}`, import.meta.url));
}

function installedNodeLlamaCpp(): string {
  const entry = createRequire(import.meta.url).resolve('node-llama-cpp');
  return dirname(dirname(entry));
}

async function cacheKey(packageDirectory: string, source: string): Promise<string> {
  const manifest = await readFile(join(packageDirectory, 'package.json'), 'utf8');
  const release = await readFile(join(packageDirectory, 'llama', 'llama.cpp.info.json'), 'utf8');
  const version = (JSON.parse(manifest) as { version?: string }).version ?? 'unknown';
  const hash = createHash('sha256').update(source).update(manifest).update(release).update(process.arch);
  return `${version}-${hash.digest('hex').slice(0, 16)}`;
}

async function build(
  packageDirectory: string,
  source: string,
  directory: string,
  compiler: string,
): Promise<ThreadpoolLibrary> {
  await mkdir(directory, { recursive: true });
  const work = join(directory, `build-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await step(`running ${compiler}`, compiler, ['--version']);
    const headers = await checkoutHeaders(packageDirectory, join(work, 'llama.cpp'));
    const cFile = join(work, SOURCE_FILE);
    await writeFile(cFile, source);
    const output = join(work, LIBRARY_FILE);
    const includes = headers.flatMap((include) => ['-I', include]);
    await step(`compiling it with ${compiler}`, compiler, [
      '-O2',
      '-shared',
      '-fPIC',
      ...includes,
      cFile,
      '-o',
      output,
      '-ldl',
      '-lpthread',
    ]);
    const library = join(directory, LIBRARY_FILE);
    await rename(output, library);
    return { kind: 'ready', path: library, built: true };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (!(error instanceof MissingTool)) {
      await writeFile(join(directory, FAILED_FILE), `${reason}\n`).catch(() => {});
    }
    return { kind: 'unavailable', reason };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** `include/` and `ggml/include/` of node-llama-cpp's llama.cpp, checked out of its git bundle. */
async function checkoutHeaders(packageDirectory: string, target: string): Promise<string[]> {
  const bundle = join(packageDirectory, 'llama', 'gitRelease.bundle');
  if (!existsSync(bundle)) throw new Error(`node-llama-cpp has no llama.cpp source bundle at ${bundle}`);
  await step('reading llama.cpp headers with git', 'git', [
    '-c',
    'advice.detachedHead=false',
    'clone',
    '--quiet',
    '--no-checkout',
    bundle,
    target,
  ]);
  await step('reading llama.cpp headers with git', 'git', [
    '-C',
    target,
    'checkout',
    '--quiet',
    'HEAD',
    '--',
    'include',
    'ggml/include',
  ]);
  return [join(target, 'include'), join(target, 'ggml', 'include')];
}

/** A command the build needs is not installed. */
class MissingTool extends Error {}

async function step(what: string, command: string, args: readonly string[]): Promise<void> {
  try {
    await run(command, args, { timeout: STEP_TIMEOUT_MS, maxBuffer: 1 << 20 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') throw new MissingTool(`${what} failed: ${command} is not installed`);
    const detail = (failure.stderr ?? failure.message).trim().split('\n').slice(-3).join(' ');
    throw new Error(`${what} failed: ${detail}`);
  }
}
