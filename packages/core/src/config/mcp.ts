import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/** How much harm the tools of one MCP server can do; decides approvals like a built-in tool's tier. */
export type McpRisk = 'read' | 'write' | 'dangerous';

interface McpServerCommon {
  /** The name in the tools' names (`mcp_<name>_<tool>`): lowercase letters, digits and `_`. */
  readonly name: string;
  /** Risk tier of every tool of the server (default `write`: each call asks for approval). */
  readonly risk: McpRisk;
}

/** An MCP server the box starts as a child process and talks to over stdin/stdout. */
export interface McpStdioServer extends McpServerCommon {
  readonly transport: 'stdio';
  readonly command: string;
  readonly args: readonly string[];
  /** Extra environment of the child (secrets: never logged, never shown to the model). */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/** An MCP server reached over streamable HTTP. */
export interface McpHttpServer extends McpServerCommon {
  readonly transport: 'http';
  readonly url: string;
  /** Headers sent with every request (secrets: never logged, never shown to the model). */
  readonly headers: Readonly<Record<string, string>>;
}

/** One configured MCP server. */
export type McpServerSettings = McpStdioServer | McpHttpServer;

const risk = z.enum(['read', 'write', 'dangerous'], { message: 'expected read, write or dangerous' });
const strings = z.record(z.string(), z.string({ message: 'expected a string' }));

const stdioServer = z.strictObject({
  command: z.string({ message: 'expected the command that starts the server' }).min(1),
  args: z.array(z.string({ message: 'expected a string' })).default([]),
  env: strings.default({}),
  cwd: z.string().min(1).optional(),
  risk: risk.default('write'),
});

const httpServer = z.strictObject({
  url: z.string().refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), {
    message: 'expected an http(s) URL',
  }),
  headers: strings.default({}),
  risk: risk.default('write'),
});

const serverName = /^[a-z][a-z0-9_]{0,23}$/;

/**
 * Read `MCP_SERVERS`: a JSON object `{ "<name>": { "command", "args", "env", "cwd", "risk" } | { "url",
 * "headers", "risk" } }` (optionally wrapped in `{ "mcpServers": … }`, as other MCP clients write it),
 * given inline (the value starts with `{`) or as the path of a JSON file. Messages never repeat the
 * JSON, which may hold secrets.
 */
export const mcpServersVariable = z
  .string()
  .trim()
  .transform((text, context): McpServerSettings[] => {
    const fail = (message: string): McpServerSettings[] => {
      context.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    let source = text;
    let origin = 'the value';
    if (!text.startsWith('{')) {
      const file = resolve(text);
      if (!existsSync(file))
        return fail(`expected a JSON object or the path of a JSON file; no file at ${file}`);
      source = readFileSync(file, 'utf8');
      origin = file;
    }
    let data: unknown;
    try {
      data = JSON.parse(source);
    } catch {
      return fail(`${origin} is not valid JSON`);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      return fail(`${origin} must hold one JSON object of servers by name`);
    const record = data as Record<string, unknown>;
    const wrapped = record['mcpServers'];
    const servers = Object.keys(record).length === 1 && wrapped !== undefined ? wrapped : record;
    if (typeof servers !== 'object' || servers === null || Array.isArray(servers))
      return fail(`${origin}: mcpServers must be an object of servers by name`);
    const result: McpServerSettings[] = [];
    for (const [name, entry] of Object.entries(servers)) {
      if (!serverName.test(name))
        return fail(`server "${name.slice(0, 40)}": names are lowercase letters, digits and _ (at most 24)`);
      const isHttp = typeof entry === 'object' && entry !== null && 'url' in entry;
      const parsed = (isHttp ? httpServer : stdioServer).safeParse(entry);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.join('.') || 'entry';
        const problem =
          issue?.code === 'unrecognized_keys' ? `unknown setting ${issue.keys.join(', ')}` : issue?.message;
        return fail(`server "${name}" at ${where}: ${problem ?? 'invalid'}`);
      }
      if ('url' in parsed.data) {
        result.push({ name, transport: 'http', ...parsed.data });
        continue;
      }
      const { cwd, ...stdio } = parsed.data;
      result.push({ name, transport: 'stdio', ...stdio, ...(cwd === undefined ? {} : { cwd }) });
    }
    return result;
  });
