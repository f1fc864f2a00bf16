import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors';
import type { Config } from './config';
import type { RawValues } from './section';
import { OWN_PREFIX, sections, variables } from './variables';

/** Where {@link loadConfig} reads from. Defaults: `process.env` and `./switchboard.config.json`. */
export interface ConfigSources {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A path to a JSON file of settings (`SWITCHBOARD_CONFIG` names it too); `false` reads none. */
  readonly file?: string | false;
}

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
      issues.push({
        variable: name,
        message: 'unknown setting (a typo?); see .env.example for every setting',
      });
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
      const where = issue.path.slice(1).join('.');
      issues.push({
        variable: String(issue.path[0] ?? '(config)'),
        message: where === '' ? issue.message : `at ${where}: ${issue.message}`,
      });
    }
    throw new ConfigError(issues);
  }
  const values: RawValues = parsed.data;
  for (const section of Object.values(sections)) issues.push(...(section.check?.(values) ?? []));
  if (issues.length > 0) throw new ConfigError(issues);
  return build(values);
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
      issues.push({
        variable: `${file}: ${key}`,
        message: 'unknown setting; see .env.example for every setting',
      });
      continue;
    }
    result[key] = fileValue(value);
  }
  return result;
}

/** A file value as the environment would spell it: lists of words comma-joined, other structures as JSON. */
function fileValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(',');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function build(values: RawValues): Config {
  const { owners, ...box } = sections.box.build(values);
  const telegram = sections.telegram.build(values);
  const slack = sections.slack.build(values);
  const discord = sections.discord.build(values);
  const whatsapp = sections.whatsapp.build(values);
  const list = (name: string) => values[name] as string[];
  const none: readonly string[] = [];
  return {
    ...box,
    access: {
      owners,
      allow: {
        telegram: {
          users: list('TELEGRAM_ALLOWED_USERS'),
          chats: list('TELEGRAM_ALLOWED_CHATS'),
          roles: none,
        },
        slack: { users: list('SLACK_ALLOWED_USERS'), chats: none, roles: none },
        discord: { users: list('DISCORD_ALLOWED_USERS'), chats: none, roles: list('DISCORD_ALLOWED_ROLES') },
        whatsapp: {
          users: whatsapp?.allowedUsers ?? list('WHATSAPP_ALLOWED_USERS'),
          chats: none,
          roles: none,
        },
        web: { users: none, chats: none, roles: none },
      },
    },
    models: sections.models.build(values),
    pricing: sections.pricing.build(values),
    routing: sections.routing.build(values),
    deployment: sections.deployment.build(values),
    memory: sections.memory.build(values),
    tools: sections.tools.build(values),
    platforms: { telegram, slack, discord, whatsapp },
  };
}
