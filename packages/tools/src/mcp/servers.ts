import type { Logger, McpServerSettings } from '@switchboard/core';
import type { AnyTool } from '../tool';
import { McpConnection } from './connection';
import { mcpToolName } from './definition';
import { mcpTool } from './mcp-tool';

/** The tools of the configured MCP servers, and how to stop the servers. */
export interface McpTools {
  readonly tools: readonly AnyTool[];
  /** Which servers answered, and which did not (with why, secrets redacted). */
  readonly servers: readonly { readonly name: string; readonly tools: number; readonly error?: string }[];
  close(): Promise<void>;
}

/**
 * Connect every configured MCP server and make its tools registry tools named `mcp_<server>_<tool>`.
 * A server that cannot be reached is logged and left out (the box starts without it); a tool whose
 * name is too long or collides with another is left out with a warning.
 */
export async function connectMcpServers(
  servers: readonly McpServerSettings[],
  logger: Logger,
): Promise<McpTools> {
  const opened = await Promise.all(
    servers.map(async (server) => {
      try {
        return { server, connection: await McpConnection.open(server, logger) };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        logger.warn({ mcpServer: server.name, reason }, 'MCP server unavailable; its tools are not offered');
        return { server, error: reason };
      }
    }),
  );
  const tools: AnyTool[] = [];
  const names = new Set<string>();
  const report: { name: string; tools: number; error?: string }[] = [];
  for (const entry of opened) {
    if (entry.connection === undefined) {
      report.push({ name: entry.server.name, tools: 0, error: entry.error });
      continue;
    }
    let count = 0;
    for (const listed of entry.connection.tools) {
      const name = mcpToolName(entry.server.name, listed.name);
      if (name === undefined || names.has(name)) {
        logger.warn(
          { mcpServer: entry.server.name, tool: listed.name },
          'MCP tool left out: its name is too long or taken',
        );
        continue;
      }
      names.add(name);
      tools.push(mcpTool(entry.connection, name, listed.name));
      count += 1;
    }
    logger.info({ mcpServer: entry.server.name, tools: count }, 'MCP server connected');
    report.push({ name: entry.server.name, tools: count });
  }
  const connections = opened.flatMap((entry) => (entry.connection ? [entry.connection] : []));
  return {
    tools,
    servers: report,
    close: async () => {
      await Promise.all(connections.map((connection) => connection.close()));
    },
  };
}
