import { z } from 'zod';

const list = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^\s/]+/.test(value) && URL.canParse(value), {
    message: 'expected an http(s) URL such as http://127.0.0.1:8080/v1',
  });

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), {
    message: 'expected a postgres:// URL such as postgres://user@127.0.0.1:5432/switchboard',
  });

const modelRef = z.string().trim().regex(/^[a-z][\w-]*:\S+$/, {
  message: 'expected provider:model, such as openai:gpt-4o-mini',
});

const integer = (min: number, max: number) =>
  z.coerce
    .number({ message: 'expected a whole number' })
    .int({ message: 'expected a whole number' })
    .min(min, { message: `expected at least ${min}` })
    .max(max, { message: `expected at most ${max}` });

const identity = z.string().regex(/^(discord|slack|telegram|whatsapp|web):\S+$/, {
  message: 'expected platform:userId entries such as telegram:4242 or slack:U0123',
});

/**
 * Every setting, by its environment variable name. The same names are accepted as keys of
 * `switchboard.config.json`; the environment wins where both set one. `.env.example` documents each.
 */
export const variables = {
  SWITCHBOARD_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: postgresUrl.optional(),
  PORT: integer(1, 65535).default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  SWITCHBOARD_API_TOKEN: z
    .string()
    .min(16, { message: 'expected at least 16 characters (use `openssl rand -hex 24`)' })
    .optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'expected one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  SWITCHBOARD_OWNER: list.pipe(z.array(identity)).default([]),
  SWITCHBOARD_DEFAULT_MODEL: modelRef.optional(),
  SWITCHBOARD_SYSTEM_PROMPT: z.string().optional(),
  SWITCHBOARD_MEMORY_TOKENS: integer(0, 1_000_000).default(3000),
  SWITCHBOARD_MAX_OUTPUT_TOKENS: integer(1, 1_000_000).default(1024),
  SWITCHBOARD_CONCURRENCY: integer(1, 256).default(4),
  SWITCHBOARD_QUEUE_LIMIT: integer(1, 1_000_000).default(1000),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: httpUrl.optional(),
  OPENAI_MODELS: list.pipe(z.array(z.string().min(1))).default(['gpt-4o-mini']),
  TELEGRAM_ALLOWED_USERS: list.default([]),
  TELEGRAM_ALLOWED_CHATS: list.default([]),
  SLACK_ALLOWED_USERS: list.default([]),
  DISCORD_ALLOWED_USERS: list.default([]),
  DISCORD_ALLOWED_ROLES: list.default([]),
  WHATSAPP_ALLOWED_USERS: list.default([]),
} as const;

/** A setting's name. */
export type VariableName = keyof typeof variables;

/** The raw, validated settings, keyed by variable name. */
export type Variables = z.output<z.ZodObject<typeof variables>>;

/** The environment variable prefix Switchboard owns: an unknown name with it is a typo, reported. */
export const OWN_PREFIX = 'SWITCHBOARD_';
