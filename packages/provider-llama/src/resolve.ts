import { open, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeError, raceAbort, SwitchboardError } from '@switchboard/core';
import type { LlamaModelFile } from './options';

/** Where {@link resolveLlamaModels} looks. */
export interface LlamaModelSources {
  /** `LLAMA_MODEL_PATH`: a GGUF file, or a model URI (`hf:owner/repo:Q4_K_M`, `https://…`) to download. */
  readonly modelPath?: string;
  /** `LLAMA_MODELS_DIR`: searched for `*.gguf` when no path is given. */
  readonly modelsDir: string;
  /** Where URIs are downloaded to (and found again on the next start). */
  readonly downloadDir: string;
}

const GGUF_MAGIC = 'GGUF';
/** How long the download server may take to answer at all before the download is reported as failed. */
const REACH_TIMEOUT_MS = 10_000;

function isUri(value: string): boolean {
  return /^(hf:|huggingface:|https?:\/\/)/i.test(value);
}

/** Where a model file came from, for the advice in its error. */
type ModelSource = 'LLAMA_MODEL_PATH' | 'models directory';

/** What to do about a model file that cannot be used, depending on where it came from. */
function advice(source: ModelSource): string {
  return source === 'LLAMA_MODEL_PATH'
    ? 'Set LLAMA_MODEL_PATH to a .gguf file, or unset it to use the first .gguf file in the models directory.'
    : 'Replace or remove it: the first .gguf file in the models directory (by name) is the one used, or set LLAMA_MODEL_PATH to another file.';
}

/** Throws a clear error unless `path` is a readable GGUF file. */
async function checkModelFile(path: string, source: ModelSource): Promise<void> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'r');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason =
      code === 'ENOENT'
        ? 'there is no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'it is not readable (check its permissions)'
          : code === 'EISDIR'
            ? 'it is a directory, not a file'
            : describeError(error);
    throw new SwitchboardError(
      'local_model_missing',
      `Cannot use the local model file ${path}: ${reason}. ${advice(source)}`,
      { cause: error },
    );
  }
  try {
    const header = Buffer.alloc(4);
    const { bytesRead } = await file.read(header, 0, 4, 0);
    if (bytesRead < 4 || header.toString('latin1') !== GGUF_MAGIC) {
      throw new SwitchboardError(
        'local_model_missing',
        `Cannot use the local model file ${path}: it is not a GGUF model (llama.cpp's format). ${advice(source)}`,
      );
    }
  } catch (error) {
    if (SwitchboardError.isInstance(error)) throw error;
    throw new SwitchboardError(
      'local_model_missing',
      `Cannot use the local model file ${path}: ${describeError(error)}.`,
      { cause: error },
    );
  } finally {
    await file.close();
  }
}

/** The download host node-llama-cpp will contact for `uri` (it honours MODEL_ENDPOINT and HF_ENDPOINT). */
function downloadHost(uri: string): string {
  if (/^https?:\/\//i.test(uri)) return new URL(uri).origin;
  const endpoint = process.env['MODEL_ENDPOINT'] ?? process.env['HF_ENDPOINT'] ?? 'https://huggingface.co';
  try {
    return new URL(endpoint).origin;
  } catch {
    return 'https://huggingface.co';
  }
}

/** Rejects fast when the host cannot be reached (node-llama-cpp's downloader retries for minutes). */
async function checkReachable(host: string, signal: AbortSignal): Promise<void> {
  const timeout = AbortSignal.any([signal, AbortSignal.timeout(REACH_TIMEOUT_MS)]);
  const response = await fetch(host, { method: 'HEAD', signal: timeout, redirect: 'manual' });
  await response.body?.cancel();
}

async function download(uri: string, sources: LlamaModelSources, signal: AbortSignal): Promise<string> {
  try {
    await checkReachable(downloadHost(uri), signal);
    // Loaded only here: the box's own process never needs node-llama-cpp otherwise.
    const { resolveModelFile } = await import('node-llama-cpp');
    return await raceAbort(
      resolveModelFile(uri, { directory: sources.downloadDir, cli: false, signal }),
      signal,
    );
  } catch (error) {
    if (signal.aborted) throw error;
    const reason = describeError(error).replace(/\s+/g, ' ').trim();
    throw new SwitchboardError(
      'local_model_download_failed',
      `Could not download the local model ${uri} (${reason}). Without internet access, put a .gguf file into ${sources.modelsDir} (or set LLAMA_MODEL_PATH to a file) and start again.`,
      { cause: error },
    );
  }
}

/**
 * The local models to serve: `modelPath` when given (a file, or a URI downloaded into `downloadDir`
 * through node-llama-cpp), else the first `*.gguf` in `modelsDir` by name, else none. Throws a
 * `SwitchboardError` naming the path when the file is missing, unreadable or not GGUF
 * (`local_model_missing`), or when a download fails (`local_model_download_failed`).
 */
export async function resolveLlamaModels(
  sources: LlamaModelSources,
  signal: AbortSignal,
): Promise<LlamaModelFile[]> {
  if (sources.modelPath !== undefined && sources.modelPath.trim() !== '') {
    const given = sources.modelPath.trim();
    const path = isUri(given) ? await download(given, sources, signal) : resolve(given);
    await checkModelFile(path, 'LLAMA_MODEL_PATH');
    return [{ path }];
  }
  let names: string[];
  try {
    names = await readdir(sources.modelsDir);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw new SwitchboardError(
      'local_model_missing',
      `Cannot read the models directory ${sources.modelsDir}: ${describeError(error)}.`,
      { cause: error },
    );
  }
  const first = names.filter((name) => name.toLowerCase().endsWith('.gguf')).sort()[0];
  if (first === undefined) return [];
  const path = resolve(join(sources.modelsDir, first));
  await checkModelFile(path, 'models directory');
  return [{ path }];
}
