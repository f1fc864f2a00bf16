import { availableParallelism, homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config, Logger, ModelProvider } from '@switchboard/core';
import { ensureDemoModel } from '@switchboard/gguf';
import { createAnthropicProvider } from '@switchboard/provider-anthropic';
import { createLlamaProvider, type LlamaModelFile, resolveLlamaModels } from '@switchboard/provider-llama';
import { createOpenAIProvider } from '@switchboard/provider-openai';

/** What creating the providers needs besides the configuration. */
export interface ProviderOptions {
  readonly logger?: Logger;
  /** Cancels a model download (`hf:` URIs). */
  readonly signal?: AbortSignal;
}

/**
 * The box's cache folder: the user's (`$XDG_CACHE_HOME/switchboard`), or one in the temp folder for an
 * in-memory box.
 */
function cacheDir(config: Config): string {
  if (config.dataDir.startsWith('memory://')) return join(tmpdir(), 'switchboard-cache');
  return join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'switchboard');
}

/**
 * Where the generated demo model lives: the cache folder (never the models folder, where it would be taken
 * for a real model next time).
 */
function demoDir(config: Config): string {
  return join(cacheDir(config), 'demo');
}

function cloudConfigured(config: Config): boolean {
  return config.models.openai !== undefined || config.models.anthropic !== undefined;
}

/** The local model files: the configured or found ones, plus the demo model when it is wanted. */
async function localModels(config: Config, options: ProviderOptions): Promise<LlamaModelFile[]> {
  const llama = config.models.llama;
  const files = await resolveLlamaModels(
    {
      ...(llama.modelPath ? { modelPath: llama.modelPath } : {}),
      modelsDir: resolve(llama.modelsDir),
      downloadDir: resolve(llama.modelsDir),
    },
    options.signal ?? new AbortController().signal,
  );
  const wantDemo =
    llama.demo === 'on' || (llama.demo === 'auto' && files.length === 0 && !cloudConfigured(config));
  if (!wantDemo) return files;
  const demo = await ensureDemoModel(demoDir(config));
  if (demo.created) options.logger?.info({ path: demo.path }, 'wrote the demo model (random weights)');
  return [...files, { path: demo.path, demo: true }];
}

/**
 * The model providers the configuration asks for, local first (so a local model is the default unless
 * `SWITCHBOARD_DEFAULT_MODEL` says otherwise), then OpenAI, then Anthropic. With no local model and no
 * cloud key, the generated demo model, so a first run shows the whole pipeline working.
 */
export async function createProviders(
  config: Config,
  options: ProviderOptions = {},
): Promise<ModelProvider[]> {
  const providers: ModelProvider[] = [];
  const timeoutMs = Math.max(config.routing.firstTokenTimeoutMs, config.routing.idleTimeoutMs);
  const llama = config.models.llama;
  const files = await localModels(config, options);
  if (files.length > 0) {
    providers.push(
      createLlamaProvider({
        models: files,
        threads: llama.threads > 0 ? llama.threads : availableParallelism(),
        parallel: llama.parallel,
        contextSize: llama.contextSize,
        gpu: llama.gpu,
        ...(llama.threadpool === 'auto' ? { threadpool: { cacheDir: cacheDir(config) } } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      }),
    );
  }
  const openai = config.models.openai;
  if (openai) {
    providers.push(
      createOpenAIProvider({
        models: openai.models,
        timeoutMs,
        ...(openai.locality === undefined ? {} : { locality: openai.locality }),
        ...(openai.apiKey === undefined ? {} : { apiKey: openai.apiKey }),
        ...(openai.baseURL === undefined ? {} : { baseURL: openai.baseURL }),
      }),
    );
  }
  const anthropic = config.models.anthropic;
  if (anthropic) {
    providers.push(
      createAnthropicProvider({
        models: anthropic.models,
        timeoutMs,
        ...(anthropic.locality === undefined ? {} : { locality: anthropic.locality }),
        ...(anthropic.apiKey === undefined ? {} : { apiKey: anthropic.apiKey }),
        ...(anthropic.baseURL === undefined ? {} : { baseURL: anthropic.baseURL }),
      }),
    );
  }
  return providers;
}
