import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { ConfigError, type ConfigIssue, type Logger } from '@switchboard/core';

/** One GGUF file to serve; its ref is `llama:<file name without .gguf>`. */
export interface LlamaModelFile {
  readonly path: string;
  /** The generated demo model (random weights): its replies are labelled as a demo. */
  readonly demo?: boolean;
}

/** Settings of {@link createLlamaProvider}. */
export interface LlamaProviderOptions {
  /** The models to serve, each in its own process; the first is the provider's default. */
  readonly models: readonly LlamaModelFile[];
  /** CPU threads for generation (getLlama's `maxThreads` and each context); 0: every core. */
  readonly threads: number;
  /** `LLAMA_PARALLEL`: answers generated at the same time per model; more wait in a FIFO queue. */
  readonly parallel: number;
  /** Context tokens per parallel sequence. */
  readonly contextSize: number;
  /** `auto`: CUDA, Vulkan or Metal when a working build is found, the CPU otherwise. */
  readonly gpu: 'auto' | false;
  /**
   * No heartbeat answer, or no token for this long while generating, means the model process hangs: it
   * is killed and restarted. Default 10 s. (Before the first token of an answer, reading the prompt may
   * take six times as long, at least a minute.)
   */
  readonly hangTimeoutMs?: number;
  /**
   * `LLAMA_THREADPOOL=auto`: give the model process a persistent llama.cpp thread pool (Linux; built once
   * with the system's C compiler and cached in `cacheDir`; about 15 % faster generation on 2 cores, see
   * docs/decisions). Unset: fresh threads for every token, node-llama-cpp's own behaviour.
   */
  readonly threadpool?: { readonly cacheDir: string };
  /**
   * Answer text is streamed at most this often (the first text at once, none held longer): default 50 ms,
   * 20 updates a second. Each update costs the box CPU that generation on few cores needs; 0 streams
   * every chunk node-llama-cpp detokenizes.
   */
  readonly streamIntervalMs?: number;
  readonly logger?: Logger;
  /** For tests only; never set from user configuration. */
  readonly testing?: {
    /** Bias every answer that offers tools into the chat template's tool-call prefix. */
    readonly forceToolCall?: boolean;
    /** Preload this library instead of building the thread pool one. */
    readonly threadpoolLibrary?: string;
  };
}

/** The model's ref: `llama:` and the file name without `.gguf`. */
export function llamaModelRef(file: LlamaModelFile): `llama:${string}` {
  return `llama:${basename(file.path).replace(/\.gguf$/i, '')}`;
}

/** Threads to use: the option, or every core when it is 0. */
export function resolveThreads(threads: number): number {
  return threads === 0 ? availableParallelism() : threads;
}

function positiveInteger(value: number, minimum: number): boolean {
  return Number.isInteger(value) && value >= minimum;
}

/** Every problem with the options at once, as a {@link ConfigError}. */
export function validateLlamaOptions(options: LlamaProviderOptions): void {
  const issues: ConfigIssue[] = [];
  if (options.models.length === 0) {
    issues.push({ variable: 'LLAMA_MODEL_PATH', message: 'no local model file to serve' });
  }
  const refs = options.models.map(llamaModelRef);
  const duplicate = refs.find((ref, index) => refs.indexOf(ref) !== index);
  if (duplicate !== undefined) {
    issues.push({ variable: 'LLAMA_MODEL_PATH', message: `two model files are both named ${duplicate}` });
  }
  if (!positiveInteger(options.threads, 0)) {
    issues.push({ variable: 'LLAMA_THREADS', message: 'must be a whole number, 0 for every core' });
  }
  if (!positiveInteger(options.parallel, 1)) {
    issues.push({ variable: 'LLAMA_PARALLEL', message: 'must be a whole number of at least 1' });
  }
  if (!positiveInteger(options.contextSize, 64)) {
    issues.push({ variable: 'LLAMA_CONTEXT_SIZE', message: 'must be a whole number of at least 64 tokens' });
  }
  const interval = options.streamIntervalMs;
  if (interval !== undefined && !(positiveInteger(interval, 0) && interval <= 1000)) {
    issues.push({
      variable: 'streamIntervalMs',
      message: 'must be a whole number of milliseconds, 0 to 1000',
    });
  }
  if (options.hangTimeoutMs !== undefined && !(options.hangTimeoutMs >= 500)) {
    issues.push({ variable: 'hangTimeoutMs', message: 'must be at least 500 milliseconds' });
  }
  if (issues.length > 0) throw new ConfigError(issues);
}
