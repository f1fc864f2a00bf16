import type { ModelProvider, ProviderCheck } from '@switchboard/core';
import { LlamaLanguageModel } from './model';
import { ModelProcess } from './model-process';
import { type LlamaProviderOptions, llamaModelRef, resolveThreads, validateLlamaOptions } from './options';
import { threadpoolLibrary } from './threadpool/threadpool-library';

const DEFAULT_HANG_TIMEOUT_MS = 10_000;
const DEFAULT_STREAM_INTERVAL_MS = 50;

/** The llama provider; `close()` ends every model process. */
export type LlamaProvider = ModelProvider & {
  readonly models: readonly LlamaLanguageModel[];
  close(): Promise<void>;
};

/**
 * The thread pool library to preload, resolved (built, the first time) once for every model process
 * on first use; undefined when the options do not ask for one.
 */
function threadpoolLibraryOnce(
  options: LlamaProviderOptions,
): (() => Promise<string | undefined>) | undefined {
  const injected = options.testing?.threadpoolLibrary;
  if (injected !== undefined) return () => Promise.resolve(injected);
  const wanted = options.threadpool;
  if (wanted === undefined) return undefined;
  let pending: Promise<string | undefined> | undefined;
  return () => {
    pending ??= threadpoolLibrary({ cacheDir: wanted.cacheDir }).then((library) => {
      if (library.kind === 'ready') {
        if (library.built)
          options.logger?.info({ path: library.path }, 'built the llama.cpp thread pool library');
        return library.path;
      }
      options.logger?.info(
        { reason: library.reason },
        'local model runs without a persistent thread pool (generation is slower on few cores)',
      );
      return undefined;
    });
    return pending;
  };
}

/**
 * Local GGUF models through node-llama-cpp, each in its own child process, so the box's own process
 * never loads the native addon. A model's process starts on its first request (or `check()`), restarts
 * by itself after a crash or a hang, and ends with `close()`. Throws a `ConfigError` for bad options.
 */
export function createLlamaProvider(options: LlamaProviderOptions): LlamaProvider {
  validateLlamaOptions(options);
  const threads = resolveThreads(options.threads);
  const library = threadpoolLibraryOnce(options);
  const processes = options.models.map(
    (file) =>
      new ModelProcess({
        ref: llamaModelRef(file),
        child: {
          modelPath: file.path,
          threads,
          parallel: options.parallel,
          contextSize: options.contextSize,
          gpu: options.gpu,
          streamIntervalMs: options.streamIntervalMs ?? DEFAULT_STREAM_INTERVAL_MS,
        },
        hangTimeoutMs: options.hangTimeoutMs ?? DEFAULT_HANG_TIMEOUT_MS,
        logger: options.logger,
        ...(library === undefined ? {} : { threadpoolLibrary: library }),
      }),
  );
  const models = options.models.map(
    (file, index) =>
      new LlamaLanguageModel({
        ref: llamaModelRef(file),
        demo: file.demo === true,
        process: processes[index] as ModelProcess,
        forceToolCall: options.testing?.forceToolCall === true,
        contextTokens: options.contextSize,
      }),
  );

  /** Loads every model (starting its process) and reports the first that cannot load. */
  async function check(signal: AbortSignal): Promise<ProviderCheck> {
    const results = await Promise.all(processes.map((process) => process.load(signal)));
    const problems = results.flatMap((result, index) => {
      if (result === undefined) return [];
      const ref = models[index]?.ref ?? 'llama';
      return [typeof result === 'string' ? `${ref}: ${result}` : result.message];
    });
    if (problems.length > 0) return { ok: false, detail: problems.join(' ') };
    const pooled = processes.every((process) => process.threadpoolThreads > 0);
    const pool = pooled ? ', persistent thread pool' : '';
    return {
      ok: true,
      detail: `Loaded ${models.map((model) => model.ref).join(', ')} (${threads} threads${pool}).`,
    };
  }

  async function close(): Promise<void> {
    await Promise.all(processes.map((process) => process.close()));
  }

  return { name: 'llama', locality: 'local', models, check, close };
}
