import type { Platform } from '../conversation';
import type { ModelRef } from '../model';

/** Who may command the box on one platform. */
export interface PlatformAllowlist {
  readonly users: readonly string[];
  readonly chats: readonly string[];
  readonly roles: readonly string[];
}

/** The validated configuration the box runs with. Built once at start by {@link loadConfig}. */
export interface Config {
  readonly dataDir: string;
  /** Set: real Postgres through `pg`. Unset: embedded PGlite in {@link dataDir}. */
  readonly databaseUrl: string | undefined;
  readonly http: { readonly host: string; readonly port: number; readonly apiToken: string | undefined };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly access: {
    /** `platform:userId` identities with every right. The web chat and terminal speak as owner. */
    readonly owners: readonly string[];
    readonly allow: { readonly [P in Platform]: PlatformAllowlist };
  };
  readonly models: {
    readonly default: ModelRef | undefined;
    readonly openai:
      | { readonly apiKey: string | undefined; readonly baseURL: string | undefined; readonly models: readonly string[] }
      | undefined;
  };
  readonly agent: {
    readonly systemPrompt: string;
    readonly memoryTokens: number;
    readonly maxOutputTokens: number;
    readonly concurrency: number;
    readonly queueLimit: number;
  };
}
