import type { ToolDependencies } from '@switchboard/agent';
import type { Config, Logger } from '@switchboard/core';
import {
  builtinTools,
  checkSandbox,
  connectMcpServers,
  ensureWorkspace,
  type McpTools,
  type ShellAvailability,
  shellAvailability,
  ToolRegistry,
} from '@switchboard/tools';

/** The tools the box offers, whether the shell is on and how, and the MCP servers it talks to. */
export interface BoxTools {
  readonly dependencies: ToolDependencies | undefined;
  readonly shell: ShellAvailability | undefined;
  /** Which MCP servers answered and how many tools each offers (errors with secrets redacted). */
  readonly mcp: McpTools['servers'];
  /** Stop the MCP servers the box started and close its connections. */
  close(): Promise<void>;
}

/**
 * Build the agent's tools from the configuration: create the workspace, check whether bubblewrap can
 * sandbox the shell, register the built-ins (`shell` only where it may run) and, where this process
 * runs agents, the tools of the configured MCP servers. `SWITCHBOARD_TOOLS=off` offers none.
 */
export async function createBoxTools(
  config: Config,
  logger: Logger,
  options: { readonly runsAgents: boolean } = { runsAgents: true },
): Promise<BoxTools> {
  const none: BoxTools = { dependencies: undefined, shell: undefined, mcp: [], close: async () => {} };
  if (!config.tools.enabled) return none;
  const workspace = await ensureWorkspace(config.tools.workspace);
  const shell = shellAvailability(config.tools, await checkSandbox());
  if (!shell.on || shell.mode === 'none') logger.warn({ workspace }, shell.detail);
  else logger.info({ workspace }, shell.detail);
  const mcp =
    options.runsAgents && config.tools.mcpServers.length > 0
      ? await connectMcpServers(config.tools.mcpServers, logger)
      : undefined;
  const registry = new ToolRegistry([...builtinTools(config.tools, shell), ...(mcp?.tools ?? [])]);
  return {
    dependencies: {
      registry,
      workspace,
      approvalTtlMs: config.tools.approvalTtlMs,
      agentTools: true,
      guards: {
        maxTaskTokens: config.tools.taskMaxTokens,
        maxTaskCostUsd: config.tools.taskMaxCostUsd,
        wallTimeMs: config.tools.taskWallTimeMs,
      },
      scheduleGuards: {
        maxTaskTokens: config.tools.scheduleMaxTokens,
        maxTaskCostUsd: config.tools.scheduleMaxCostUsd,
        wallTimeMs: config.tools.scheduleWallTimeMs,
      },
    },
    shell,
    mcp: mcp?.servers ?? [],
    close: async () => {
      await mcp?.close();
    },
  };
}
