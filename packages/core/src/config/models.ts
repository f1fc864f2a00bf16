import { z } from 'zod';
import type { ConfigIssue } from '../errors';
import type { ModelRef } from '../model';
import { httpUrl, integer, list, modelRef, secret } from './fields';
import type { ConfigSection, RawValues } from './section';

/** An OpenAI or Anthropic account (or a compatible server). */
export interface CloudProviderSettings {
  readonly apiKey: string | undefined;
  readonly baseURL: string | undefined;
  readonly models: readonly string[];
  /**
   * `local` keeps a local-only conversation allowed on it; `auto` (default): local when the base URL is a
   * loopback address (Ollama, llama-server), cloud otherwise.
   */
  readonly locality: 'local' | 'cloud' | undefined;
}

/** Local GGUF models through node-llama-cpp. */
export interface LlamaSettings {
  /** `LLAMA_MODEL_PATH`: a file or an `hf:` URI; unset: the first `*.gguf` in {@link modelsDir}. */
  readonly modelPath: string | undefined;
  readonly modelsDir: string;
  /** Answers generated at the same time; more requests wait in line. */
  readonly parallel: number;
  readonly threads: number;
  readonly contextSize: number;
  readonly gpu: 'auto' | false;
  /**
   * `LLAMA_THREADPOOL`: `auto` gives the model process a persistent llama.cpp thread pool where one can be
   * built (Linux with a C compiler and git); `off`: node-llama-cpp's fresh threads for every token.
   */
  readonly threadpool: 'auto' | 'off';
  /**
   * `auto`: the generated demo model answers when no local model and no cloud key is configured;
   * `on`: always offer it; `off`: never.
   */
  readonly demo: 'auto' | 'on' | 'off';
}

/** Settings of the model providers and the default choice. */
export interface ModelSettings {
  readonly default: ModelRef | undefined;
  /** `SWITCHBOARD_FALLBACK_MODELS`: tried in order when the chosen model fails. */
  readonly fallbacks: readonly ModelRef[];
  readonly openai: CloudProviderSettings | undefined;
  readonly anthropic: CloudProviderSettings | undefined;
  readonly llama: LlamaSettings;
}

const switchValue = z.enum(['on', 'off', 'auto'], { message: 'expected on, off or auto' });

/** Which variables configure each provider, for "missing key" errors. */
const PROVIDERS: Record<string, { readonly configured: (v: RawValues) => boolean; readonly hint: string }> = {
  openai: {
    configured: (v) => v['OPENAI_API_KEY'] !== undefined || v['OPENAI_BASE_URL'] !== undefined,
    hint: 'OPENAI_API_KEY',
  },
  anthropic: {
    configured: (v) => v['ANTHROPIC_API_KEY'] !== undefined || v['ANTHROPIC_BASE_URL'] !== undefined,
    hint: 'ANTHROPIC_API_KEY',
  },
  // Local models are found at start (a file, ./models, the demo model); the router reports a missing one.
  llama: { configured: () => true, hint: 'LLAMA_MODEL_PATH' },
};

function cloud(v: RawValues, prefix: 'OPENAI' | 'ANTHROPIC'): CloudProviderSettings | undefined {
  const provider = prefix.toLowerCase();
  if (!PROVIDERS[provider]?.configured(v)) return undefined;
  return {
    apiKey: v[`${prefix}_API_KEY`] as string | undefined,
    baseURL: v[`${prefix}_BASE_URL`] as string | undefined,
    models: v[`${prefix}_MODELS`] as string[],
    locality: v[`${prefix}_LOCALITY`] === 'auto' ? undefined : (v[`${prefix}_LOCALITY`] as 'local' | 'cloud'),
  };
}

const locality = z
  .enum(['auto', 'local', 'cloud'], { message: 'expected auto, local or cloud' })
  .default('auto');

function checkRef(variable: string, ref: string, v: RawValues): ConfigIssue | undefined {
  const provider = ref.slice(0, ref.indexOf(':'));
  const known = PROVIDERS[provider];
  if (known === undefined) {
    return {
      variable,
      message: `unknown provider "${provider}" in ${ref}; expected one of ${Object.keys(PROVIDERS).join(', ')}`,
    };
  }
  if (!known.configured(v)) {
    return { variable: known.hint, message: `required because ${variable} uses ${provider}` };
  }
  return undefined;
}

/** Model providers: OpenAI (and compatible servers), Anthropic, local llama.cpp; the default and fallbacks. */
export const modelSection: ConfigSection<ModelSettings> = {
  variables: {
    SWITCHBOARD_DEFAULT_MODEL: modelRef.optional(),
    SWITCHBOARD_FALLBACK_MODELS: list.pipe(z.array(modelRef)).default([]),
    OPENAI_API_KEY: secret.optional(),
    OPENAI_BASE_URL: httpUrl.optional(),
    OPENAI_MODELS: list.default(['gpt-4o-mini']),
    OPENAI_LOCALITY: locality,
    ANTHROPIC_API_KEY: secret.optional(),
    ANTHROPIC_BASE_URL: httpUrl.optional(),
    ANTHROPIC_MODELS: list.default(['claude-sonnet-4-5']),
    ANTHROPIC_LOCALITY: locality,
    LLAMA_MODEL_PATH: z.string().trim().min(1).optional(),
    LLAMA_MODELS_DIR: z.string().trim().min(1).default('./models'),
    LLAMA_PARALLEL: integer(1, 64).default(1),
    LLAMA_THREADS: integer(0, 512).default(0),
    LLAMA_CONTEXT_SIZE: integer(256, 1_048_576).default(4096),
    LLAMA_GPU: z.enum(['auto', 'off'], { message: 'expected auto or off' }).default('auto'),
    LLAMA_THREADPOOL: z.enum(['auto', 'off'], { message: 'expected auto or off' }).default('auto'),
    SWITCHBOARD_DEMO_MODEL: switchValue.default('auto'),
  },
  check(v) {
    const issues: ConfigIssue[] = [];
    const chosen = v['SWITCHBOARD_DEFAULT_MODEL'] as string | undefined;
    if (chosen !== undefined) {
      const issue = checkRef('SWITCHBOARD_DEFAULT_MODEL', chosen, v);
      if (issue) issues.push(issue);
    }
    for (const ref of v['SWITCHBOARD_FALLBACK_MODELS'] as string[]) {
      const issue = checkRef('SWITCHBOARD_FALLBACK_MODELS', ref, v);
      if (issue && !issues.some((known) => known.message === issue.message)) issues.push(issue);
    }
    return issues;
  },
  build(v) {
    return {
      default: v['SWITCHBOARD_DEFAULT_MODEL'] as ModelRef | undefined,
      fallbacks: v['SWITCHBOARD_FALLBACK_MODELS'] as ModelRef[],
      openai: cloud(v, 'OPENAI'),
      anthropic: cloud(v, 'ANTHROPIC'),
      llama: {
        modelPath: v['LLAMA_MODEL_PATH'] as string | undefined,
        modelsDir: v['LLAMA_MODELS_DIR'] as string,
        parallel: v['LLAMA_PARALLEL'] as number,
        threads: v['LLAMA_THREADS'] as number,
        contextSize: v['LLAMA_CONTEXT_SIZE'] as number,
        gpu: v['LLAMA_GPU'] === 'off' ? false : 'auto',
        threadpool: v['LLAMA_THREADPOOL'] as 'auto' | 'off',
        demo: v['SWITCHBOARD_DEMO_MODEL'] as 'auto' | 'on' | 'off',
      },
    };
  },
};
