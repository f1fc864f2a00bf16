import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors';
import type { ModelRef } from '../model';
import type { Config } from './config';
import { OWN_PREFIX, type VariableName, type Variables, variables } from './variables';

/** Where {@link loadConfig} reads from. Defaults: `process.env` and `./switchboard.config.json`. */
export interface ConfigSources {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A path to a JSON file of settings (`SWITCHBOARD_CONFIG` names it too); `false` reads none. */
  readonly file?: string | false;
}

const DEFAULT_SYSTEM_PROMPT =
  'You are Switchboard, a helpful assistant people reach from their chat apps. Answer clearly and briefly.';

const KNOWN = new Set<string>([...Object.keys(variables), 'SWITCHBOARD_CONFIG']);

/**
 * Read and validate the configuration from the environment plus an optional JSON file. Throws one
 * {@link ConfigError} listing every problem, each with its variable name.
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const issues: ConfigIssue[] = [];
  const named = sources.file ?? (env['SWITCHBOARD_CONFIG'] || undefined);
  const fromFile = named === false ? {} : readConfigFile(named, issues);
  for (const name of Object.keys(env)) {
    if (name.startsWith(OWN_PREFIX) && !KNOWN.has(name)) {
      issues.push({ variable: name, message: 'unknown setting (a typo?); see .env.example for every setting' });
    }
  }
  const raw: Record<string, unknown> = { ...fromFile };
  for (const name of Object.keys(variables)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const parsed = z.object(variables).safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ variable: String(issue.path[0] ?? '(config)'), message: issue.message });
    }
    throw new ConfigError(issues);
  }
  issues.push(...crossCheck(parsed.data));
  if (issues.length > 0) throw new ConfigError(issues);
  return toConfig(parsed.data);
}

function readConfigFile(path: string | undefined, issues: ConfigIssue[]): Record<string, unknown> {
  const file = resolve(path ?? 'switchboard.config.json');
  if (!existsSync(file)) {
    if (path !== undefined) issues.push({ variable: 'SWITCHBOARD_CONFIG', message: `no file at ${file}` });
    return {};
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    issues.push({ variable: 'SWITCHBOARD_CONFIG', message: `${file} is not valid JSON (${String(error)})` });
    return {};
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    issues.push({ variable: 'SWITCHBOARD_CONFIG', message: `${file} must hold one JSON object` });
    return {};
  }
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!(key in variables)) {
      issues.push({ variable: `${file}: ${key}`, message: 'unknown setting; see .env.example for every setting' });
      continue;
    }
    result[key] = typeof value === 'string' ? value : Array.isArray(value) ? value.join(',') : String(value);
  }
  return result;
}

const PROVIDER_KEYS: Record<string, { readonly configured: (v: Variables) => boolean; readonly hint: VariableName }> = {
  openai: { configured: (v) => v.OPENAI_API_KEY !== undefined || v.OPENAI_BASE_URL !== undefined, hint: 'OPENAI_API_KEY' },
};

function crossCheck(values: Variables): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const chosen = values.SWITCHBOARD_DEFAULT_MODEL;
  if (chosen !== undefined) {
    const provider = chosen.slice(0, chosen.indexOf(':'));
    const known = PROVIDER_KEYS[provider];
    if (known === undefined) {
      issues.push({
        variable: 'SWITCHBOARD_DEFAULT_MODEL',
        message: `unknown provider "${provider}"; expected one of ${Object.keys(PROVIDER_KEYS).join(', ')}`,
      });
    } else if (!known.configured(values)) {
      issues.push({ variable: known.hint, message: `required because SWITCHBOARD_DEFAULT_MODEL uses ${provider}` });
    }
  }
  if (!isLoopback(values.HOST) && values.SWITCHBOARD_API_TOKEN === undefined) {
    issues.push({
      variable: 'SWITCHBOARD_API_TOKEN',
      message: `required when HOST (${values.HOST}) exposes the box beyond this machine; anyone who can reach it could command your agents`,
    });
  }
  return issues;
}

/** True for the loopback addresses the box trusts as the owner's own machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.') || host === '::ffff:127.0.0.1';
}

function toConfig(v: Variables): Config {
  const openaiConfigured = v.OPENAI_API_KEY !== undefined || v.OPENAI_BASE_URL !== undefined;
  const allow = (users: readonly string[], chats: readonly string[] = [], roles: readonly string[] = []) => ({
    users,
    chats,
    roles,
  });
  return {
    dataDir: v.SWITCHBOARD_DATA_DIR,
    databaseUrl: v.DATABASE_URL,
    http: { host: v.HOST, port: v.PORT, apiToken: v.SWITCHBOARD_API_TOKEN },
    logLevel: v.LOG_LEVEL,
    access: {
      owners: v.SWITCHBOARD_OWNER,
      allow: {
        telegram: allow(v.TELEGRAM_ALLOWED_USERS, v.TELEGRAM_ALLOWED_CHATS),
        slack: allow(v.SLACK_ALLOWED_USERS),
        discord: allow(v.DISCORD_ALLOWED_USERS, [], v.DISCORD_ALLOWED_ROLES),
        whatsapp: allow(v.WHATSAPP_ALLOWED_USERS),
        web: allow([]),
      },
    },
    models: {
      default: v.SWITCHBOARD_DEFAULT_MODEL as ModelRef | undefined,
      openai: openaiConfigured
        ? { apiKey: v.OPENAI_API_KEY, baseURL: v.OPENAI_BASE_URL, models: v.OPENAI_MODELS }
        : undefined,
    },
    agent: {
      systemPrompt: v.SWITCHBOARD_SYSTEM_PROMPT ?? DEFAULT_SYSTEM_PROMPT,
      memoryTokens: v.SWITCHBOARD_MEMORY_TOKENS,
      maxOutputTokens: v.SWITCHBOARD_MAX_OUTPUT_TOKENS,
      concurrency: v.SWITCHBOARD_CONCURRENCY,
      queueLimit: v.SWITCHBOARD_QUEUE_LIMIT,
    },
  };
}
