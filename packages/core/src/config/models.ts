import type { ConfigIssue } from '../errors';
import type { ModelRef } from '../model';
import { httpUrl, list, modelRef, secret } from './fields';
import type { ConfigSection, RawValues } from './section';

/** Settings of the model providers and the default choice. */
export interface ModelSettings {
  readonly default: ModelRef | undefined;
  readonly openai:
    | {
        readonly apiKey: string | undefined;
        readonly baseURL: string | undefined;
        readonly models: readonly string[];
      }
    | undefined;
}

/** Which variables configure each provider, for "missing key" errors. */
const PROVIDERS: Record<string, { readonly configured: (v: RawValues) => boolean; readonly hint: string }> = {
  openai: {
    configured: (v) => v['OPENAI_API_KEY'] !== undefined || v['OPENAI_BASE_URL'] !== undefined,
    hint: 'OPENAI_API_KEY',
  },
};

/** Model variables (the models issue extends this file with more providers and routing). */
export const modelSection: ConfigSection<ModelSettings> = {
  variables: {
    SWITCHBOARD_DEFAULT_MODEL: modelRef.optional(),
    OPENAI_API_KEY: secret.optional(),
    OPENAI_BASE_URL: httpUrl.optional(),
    OPENAI_MODELS: list.default(['gpt-4o-mini']),
  },
  check(v) {
    const issues: ConfigIssue[] = [];
    const chosen = v['SWITCHBOARD_DEFAULT_MODEL'] as string | undefined;
    if (chosen === undefined) return issues;
    const provider = chosen.slice(0, chosen.indexOf(':'));
    const known = PROVIDERS[provider];
    if (known === undefined) {
      issues.push({
        variable: 'SWITCHBOARD_DEFAULT_MODEL',
        message: `unknown provider "${provider}"; expected one of ${Object.keys(PROVIDERS).join(', ')}`,
      });
    } else if (!known.configured(v)) {
      issues.push({
        variable: known.hint,
        message: `required because SWITCHBOARD_DEFAULT_MODEL uses ${provider}`,
      });
    }
    return issues;
  },
  build(v) {
    const configured = PROVIDERS['openai']?.configured(v) ?? false;
    return {
      default: v['SWITCHBOARD_DEFAULT_MODEL'] as ModelRef | undefined,
      openai: configured
        ? {
            apiKey: v['OPENAI_API_KEY'] as string | undefined,
            baseURL: v['OPENAI_BASE_URL'] as string | undefined,
            models: v['OPENAI_MODELS'] as string[],
          }
        : undefined,
    };
  },
};
