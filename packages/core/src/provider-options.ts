import { isLoopback } from './config/box';
import { ConfigError, type ConfigIssue } from './errors';

/** The options every HTTP model provider takes. */
export interface HttpProviderOptions {
  readonly apiKey?: string;
  readonly baseURL?: string;
  readonly models: readonly string[];
  readonly timeoutMs?: number;
}

/**
 * Check a provider's options once, at start: throws a {@link ConfigError} naming every setting at fault
 * (`<PREFIX>_MODELS`, `<PREFIX>_API_KEY`, `<PREFIX>_BASE_URL`, `timeoutMs`) with what was expected.
 */
export function checkProviderOptions(
  options: HttpProviderOptions,
  envPrefix: string,
  baseUrlExample: string,
): void {
  const issues: ConfigIssue[] = [];
  if (options.models.length === 0 || options.models.some((model) => model.trim() === '')) {
    issues.push({
      variable: `${envPrefix}_MODELS`,
      message: 'must name at least one model, without empty names',
    });
  }
  if (options.apiKey === undefined && options.baseURL === undefined) {
    issues.push({
      variable: `${envPrefix}_API_KEY`,
      message: `required unless ${envPrefix}_BASE_URL points at a server that needs no key`,
    });
  }
  if (options.baseURL !== undefined && !/^https?:\/\/[^/]/.test(options.baseURL)) {
    issues.push({
      variable: `${envPrefix}_BASE_URL`,
      message: `must be an http:// or https:// URL, such as ${baseUrlExample}`,
    });
  }
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) {
    issues.push({ variable: 'timeoutMs', message: 'must be a positive number of milliseconds' });
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

/** `local` when the URL's host is this machine (a loopback address or `localhost`), otherwise `cloud`. */
export function localityOf(url: string): 'local' | 'cloud' {
  return isLoopback(new URL(url).hostname.replace(/^\[|\]$/g, '')) ? 'local' : 'cloud';
}
