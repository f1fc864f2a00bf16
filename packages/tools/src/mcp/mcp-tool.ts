import { z } from 'zod';
import { canonicalJson } from '../arguments-hash';
import type { AnyTool, LiveDefinition } from '../tool';
import type { McpConnection } from './connection';
import { type ListedTool, liveDefinition } from './definition';

type Arguments = Record<string, unknown>;

const anyObject: z.ZodType<Arguments> = z.record(z.string(), z.unknown());

/** A zod schema from a server's JSON schema; any object where zod cannot read it (the server checks too). */
function inputSchema(parameters: Readonly<Record<string, unknown>>): z.ZodType<Arguments> {
  try {
    return z.fromJSONSchema({ ...parameters }) as z.ZodType<Arguments>;
  } catch {
    return anyObject;
  }
}

/**
 * One tool of an MCP server in the registry, as `registryName`. Its description and schema are the
 * server's latest listing; `external.current()` lists again, so the agent can compare the live
 * definition with the one the owner approved before it runs the tool.
 */
export function mcpTool(connection: McpConnection, registryName: string, serverToolName: string): AnyTool {
  const listed = (): ListedTool | undefined => connection.tools.find((tool) => tool.name === serverToolName);
  let cached: { readonly hash: string; readonly schema: z.ZodType<Arguments> } | undefined;
  const latest = (): LiveDefinition =>
    liveDefinition(registryName, listed() ?? { name: serverToolName, inputSchema: { type: 'object' } });
  const { server } = connection;
  const source = `MCP server "${server.name}"`;
  return {
    name: registryName,
    get description() {
      return `${latest().description} (from the ${source})`;
    },
    get parameters() {
      return latest().parameters;
    },
    get input() {
      const live = latest();
      if (cached?.hash !== live.hash) cached = { hash: live.hash, schema: inputSchema(live.parameters) };
      return cached.schema;
    },
    risk: server.risk,
    external: {
      source,
      async current() {
        await connection.refresh();
        const tool = listed();
        return tool && liveDefinition(registryName, tool);
      },
    },
    summarize: (input: Arguments) => {
      const args = canonicalJson(input);
      return `${server.name}.${serverToolName} ${args.length > 300 ? `${args.slice(0, 300)}…` : args}`;
    },
    run: (input: Arguments, context) => connection.call(serverToolName, input, context.signal),
  };
}
