import { z } from 'zod';
import type { ConfigIssue } from '../errors';
import { integer, list } from './fields';
import type { ConfigSection } from './section';

/** True for the loopback addresses the box trusts as the owner's own machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.') || host === '::ffff:127.0.0.1';
}

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), {
    message: 'expected a postgres:// URL such as postgres://user@127.0.0.1:5432/switchboard',
  });

/** `box.example.com` or `box.example.com:8443`: a name the box is reached by, without scheme or path. */
const hostName = z
  .string()
  .regex(/^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(:\d{1,5})?$/i, {
    message: 'expected host names such as box.example.com or box.example.com:8443 (no scheme, no path)',
  })
  .transform((value) => value.toLowerCase());

/** `https://box.example.com`: a web origin, scheme and host (and port) only. */
const webOrigin = z
  .string()
  .refine(
    (value) => {
      if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return false;
      const url = new URL(value);
      return url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '';
    },
    { message: 'expected web origins such as https://box.example.com (scheme and host, no path)' },
  )
  .transform((value) => new URL(value).origin);

const identity = z.string().regex(/^(discord|slack|telegram|whatsapp|web):\S+$/, {
  message: 'expected platform:userId entries such as telegram:4242 or slack:U0123',
});

const DEFAULT_SYSTEM_PROMPT =
  'You are Switchboard, a helpful assistant people reach from their chat apps. Answer clearly and briefly.';

/** Settings of the box itself: HTTP, memory, logging, owners, the agent's limits. */
export interface BoxSettings {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly apiToken: string | undefined;
    /** Names beyond loopback and IP addresses the box may be reached by (a reverse proxy's public name). */
    readonly allowedHosts: readonly string[];
    /** Web origins beyond the box's own that may call the owner API from a browser. */
    readonly allowedOrigins: readonly string[];
  };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * `SHUTDOWN_GRACE_SECONDS`: on SIGTERM/SIGINT the box stops taking new work, lets running answers
   * finish for at most this long, and exits within it whatever a platform or model does.
   */
  readonly shutdownGraceMs: number;
  readonly owners: readonly string[];
  readonly agent: {
    readonly systemPrompt: string;
    readonly memoryTokens: number;
    readonly maxOutputTokens: number;
    readonly concurrency: number;
    readonly queueLimit: number;
  };
}

/** The box's own variables. */
export const boxSection: ConfigSection<BoxSettings> = {
  variables: {
    SWITCHBOARD_DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: postgresUrl.optional(),
    PORT: integer(1, 65535).default(3000),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    SWITCHBOARD_API_TOKEN: z
      .string()
      .min(16, { message: 'expected at least 16 characters (use `openssl rand -hex 24`)' })
      .optional(),
    SWITCHBOARD_ALLOWED_HOSTS: list.pipe(z.array(hostName)).default([]),
    SWITCHBOARD_ALLOWED_ORIGINS: list.pipe(z.array(webOrigin)).default([]),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        message: 'expected one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    SHUTDOWN_GRACE_SECONDS: integer(1, 3600).default(10),
    SWITCHBOARD_OWNER: list.pipe(z.array(identity)).default([]),
    SWITCHBOARD_SYSTEM_PROMPT: z.string().optional(),
    SWITCHBOARD_MEMORY_TOKENS: integer(0, 1_000_000).default(3000),
    SWITCHBOARD_MAX_OUTPUT_TOKENS: integer(1, 1_000_000).default(1024),
    SWITCHBOARD_CONCURRENCY: integer(1, 256).default(4),
    SWITCHBOARD_QUEUE_LIMIT: integer(1, 1_000_000).default(1000),
  },
  check(v) {
    const issues: ConfigIssue[] = [];
    const host = v['HOST'] as string;
    if (!isLoopback(host) && v['SWITCHBOARD_API_TOKEN'] === undefined) {
      issues.push({
        variable: 'SWITCHBOARD_API_TOKEN',
        message: `required when HOST (${host}) exposes the box beyond this machine; anyone who can reach it could command your agents`,
      });
    }
    return issues;
  },
  build: (v) => ({
    dataDir: v['SWITCHBOARD_DATA_DIR'] as string,
    databaseUrl: v['DATABASE_URL'] as string | undefined,
    http: {
      host: v['HOST'] as string,
      port: v['PORT'] as number,
      apiToken: v['SWITCHBOARD_API_TOKEN'] as string | undefined,
      allowedHosts: v['SWITCHBOARD_ALLOWED_HOSTS'] as string[],
      allowedOrigins: v['SWITCHBOARD_ALLOWED_ORIGINS'] as string[],
    },
    logLevel: v['LOG_LEVEL'] as BoxSettings['logLevel'],
    shutdownGraceMs: (v['SHUTDOWN_GRACE_SECONDS'] as number) * 1000,
    owners: v['SWITCHBOARD_OWNER'] as string[],
    agent: {
      systemPrompt: (v['SWITCHBOARD_SYSTEM_PROMPT'] as string | undefined) ?? DEFAULT_SYSTEM_PROMPT,
      memoryTokens: v['SWITCHBOARD_MEMORY_TOKENS'] as number,
      maxOutputTokens: v['SWITCHBOARD_MAX_OUTPUT_TOKENS'] as number,
      concurrency: v['SWITCHBOARD_CONCURRENCY'] as number,
      queueLimit: v['SWITCHBOARD_QUEUE_LIMIT'] as number,
    },
  }),
};
