import Anthropic from '@anthropic-ai/sdk';
import {
  checkProviderOptions,
  localityOf,
  type ModelProvider,
  type ProviderCheck,
  safeUrl,
} from '@switchboard/core';
import { type AnthropicServer, serverContext, toModelError } from './errors';
import { AnthropicMessagesModel } from './model';

const ANTHROPIC_URL = 'https://api.anthropic.com';

/** Settings of {@link createAnthropicProvider}. */
export interface AnthropicProviderOptions {
  /** The API key; may be left out when `baseURL` points at a compatible server that needs none. */
  readonly apiKey?: string;
  /**
   * An Anthropic-compatible server or gateway, the address before `/v1/messages`; a trailing `/v1` is
   * dropped, since the SDK adds it. Default Anthropic's own API.
   */
  readonly baseURL?: string;
  /** The model names the server knows, such as `claude-sonnet-4-5`; the first is the provider's default. */
  readonly models: readonly string[];
  /** The longest silence (before the answer starts, or between two events) before giving up; default 120 s. */
  readonly timeoutMs?: number;
  /** Default: `local` when `baseURL` is a loopback address, otherwise `cloud`. */
  readonly locality?: 'local' | 'cloud';
}

const DEFAULT_TIMEOUT_MS = 120_000;
const CHECK_TIMEOUT_MS = 15_000;

/** Whether a configured name is listed: exactly, or as an alias of a dated id (`claude-x` for `claude-x-20250101`). */
function listed(ids: ReadonlySet<string>, model: string): boolean {
  return ids.has(model) || [...ids].some((id) => id.startsWith(`${model}-`));
}

/**
 * Anthropic's Messages API, or an Anthropic-compatible server, through the official SDK. The SDK never
 * retries (`maxRetries: 0`): the router owns retries and fallbacks. Throws a {@link ConfigError} when the
 * options cannot work.
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  checkProviderOptions(options, 'ANTHROPIC', 'https://api.anthropic.com');
  const name = 'anthropic';
  const baseURL = (options.baseURL ?? ANTHROPIC_URL).replace(/\/+$/, '').replace(/\/v1$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const locality = options.locality ?? localityOf(baseURL);
  const server: AnthropicServer = {
    provider: name,
    url: safeUrl(baseURL),
    official: new URL(baseURL).hostname === 'api.anthropic.com',
    apiKey: options.apiKey,
  };
  const client = new Anthropic({
    // Always given, so the SDK never falls back to the environment or to credential files on disk.
    apiKey: options.apiKey ?? 'not-needed',
    baseURL,
    maxRetries: 0,
    timeout: timeoutMs,
    // Errors become ModelErrors; the SDK itself logs nothing (its logs could carry request details).
    logLevel: 'off',
  });
  const models = options.models.map(
    (model) =>
      new AnthropicMessagesModel({
        client,
        provider: name,
        model,
        locality,
        timeoutMs,
        server: serverContext(server, model),
      }),
  );

  async function check(signal: AbortSignal): Promise<ProviderCheck> {
    const context = serverContext(server);
    const reached = `Reached ${context.location}`;
    try {
      const page = await client.models.list(
        { limit: 1000 },
        { signal, timeout: Math.min(timeoutMs, CHECK_TIMEOUT_MS) },
      );
      const ids = new Set(page.data.map((model) => model.id));
      const missing = options.models.filter((model) => !listed(ids, model));
      if (missing.length === 0)
        return { ok: true, detail: `${reached}; it lists ${options.models.join(', ')}.` };
      return {
        ok: true,
        detail: `${reached}, but it does not list ${missing.join(', ')}: check ANTHROPIC_MODELS if answers fail.`,
      };
    } catch (error) {
      if (signal.aborted) return { ok: false, detail: `The check of ${server.url} was cancelled.` };
      const failure = toModelError(error, context);
      if (failure.status === 404) {
        const advice = `check ANTHROPIC_BASE_URL ${context.baseUrlAdvice}`;
        return { ok: false, detail: `${context.subject} has no /v1/models (HTTP 404): ${advice}.` };
      }
      return { ok: false, detail: failure.message };
    }
  }

  return { name, locality, models, check };
}
