import {
  checkProviderOptions,
  localityOf,
  type ModelProvider,
  type ProviderCheck,
  safeUrl,
} from '@switchboard/core';
import OpenAI from 'openai';
import { type ErrorContext, serverName, toModelError } from './errors';
import { OpenAIChatModel } from './model';

const OPENAI_URL = 'https://api.openai.com/v1';

/** Settings of {@link createOpenAIProvider}. */
export interface OpenAIProviderOptions {
  /** The API key; may be left out when `baseURL` points at a server that needs none (Ollama, llama-server). */
  readonly apiKey?: string;
  /** Any OpenAI-compatible server, such as `http://127.0.0.1:11434/v1`; default OpenAI's own API. */
  readonly baseURL?: string;
  /** The model names the server knows; the first is the provider's default. */
  readonly models: readonly string[];
  /** The provider part of every ref; default `openai`. */
  readonly name?: string;
  /** The longest silence (before the answer starts, or between two chunks) before giving up; default 120 s. */
  readonly timeoutMs?: number;
  /** Default: `local` when `baseURL` is a loopback address, otherwise `cloud`. */
  readonly locality?: 'local' | 'cloud';
  /** The prefix of the settings named in error messages; default `OPENAI` (OPENAI_API_KEY, OPENAI_MODELS…). */
  readonly envPrefix?: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const CHECK_TIMEOUT_MS = 15_000;

/**
 * OpenAI, or any OpenAI-compatible server (vLLM, Ollama, llama-server, DeepSeek), through the official SDK
 * and Chat Completions. The SDK never retries (`maxRetries: 0`): the router owns retries and fallbacks.
 * Throws a {@link ConfigError} when the options cannot work.
 */
export function createOpenAIProvider(options: OpenAIProviderOptions): ModelProvider {
  const prefix = options.envPrefix ?? 'OPENAI';
  checkProviderOptions(options, prefix, 'http://127.0.0.1:11434/v1');
  const name = options.name ?? 'openai';
  const baseURL = options.baseURL ?? OPENAI_URL;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const locality = options.locality ?? localityOf(baseURL);
  const errors: ErrorContext = {
    provider: name,
    url: safeUrl(baseURL),
    official: new URL(baseURL).hostname === 'api.openai.com',
    apiKey: options.apiKey,
    envPrefix: prefix,
  };
  const client = new OpenAI({
    apiKey: options.apiKey ?? 'not-needed',
    baseURL,
    maxRetries: 0,
    timeout: timeoutMs,
    // Errors become ModelErrors; the SDK itself logs nothing (its logs could carry request details).
    logLevel: 'off',
  });
  const models = options.models.map(
    (model) => new OpenAIChatModel({ client, provider: name, model, locality, timeoutMs, errors }),
  );

  async function check(signal: AbortSignal): Promise<ProviderCheck> {
    const { subject, object } = serverName(errors);
    const reached = `Reached ${errors.official ? `${object} at ${errors.url}` : object}`;
    try {
      const page = await client.models.list({ signal, timeout: Math.min(timeoutMs, CHECK_TIMEOUT_MS) });
      const listed = new Set((page.data ?? []).map((model) => model.id));
      const missing = options.models.filter((model) => !listed.has(model));
      if (missing.length === 0)
        return { ok: true, detail: `${reached}; it lists ${options.models.join(', ')}.` };
      return {
        ok: true,
        detail: `${reached}, but it does not list ${missing.join(', ')} (some servers accept any name; check ${prefix}_MODELS if answers fail).`,
      };
    } catch (error) {
      if (signal.aborted) return { ok: false, detail: `The check of ${errors.url} was cancelled.` };
      const failure = toModelError(error, errors);
      if (failure.status === 404) {
        return {
          ok: false,
          detail: `${subject} has no /models endpoint (HTTP 404): check ${prefix}_BASE_URL (it usually ends in /v1).`,
        };
      }
      return { ok: false, detail: failure.message };
    }
  }

  return { name, locality, models, check };
}
