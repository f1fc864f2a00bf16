import { z } from 'zod';
import { integer, list } from './fields';
import { type McpServerSettings, mcpServersVariable } from './mcp';
import type { ConfigSection } from './section';

/** Settings of the agent's tools: where they work, how the shell is sandboxed, what `http_fetch` may reach. */
export interface ToolSettings {
  /** `SWITCHBOARD_TOOLS`: offer tools to the model at all (default on). */
  readonly enabled: boolean;
  /** `SWITCHBOARD_WORKSPACE`: the one folder tools may read and write (default `./data/workspace`). */
  readonly workspace: string;
  /** `SHELL_NETWORK=on`: the shell sandbox may open network connections (default off). */
  readonly shellNetwork: boolean;
  /**
   * `SHELL_SANDBOX=off`: run `shell` without bubblewrap when bwrap cannot run. Without it the shell
   * tool is off wherever bwrap is missing.
   */
  readonly shellSandbox: 'on' | 'off';
  /** `SHELL_TIMEOUT_SECONDS`: the wall-time cap of one command (default 120). */
  readonly shellTimeoutMs: number;
  /**
   * `HTTP_FETCH_ALLOW`: hosts, `host:port`s, IP addresses or CIDR ranges `http_fetch` may reach even
   * though they are private, loopback or link-local.
   */
  readonly httpFetchAllow: readonly string[];
  /** `APPROVAL_TTL`: how long an approval request stays open, in milliseconds (default 10 minutes). */
  readonly approvalTtlMs: number;
  /** `TASK_MAX_TOKENS`: the tokens a task may have used before its next model call (default 200,000). */
  readonly taskMaxTokens: number;
  /** `TASK_MAX_COST_USD`: the US dollars a task may have spent before its next model call (default 1). */
  readonly taskMaxCostUsd: number;
  /** `TASK_WALL_SECONDS`: a task's wall time, tool runs and approval waits included (default 1800). */
  readonly taskWallTimeMs: number;
  /** `TASK_FOREGROUND_SECONDS`: after this long a task goes on in the background (default 20). */
  readonly taskForegroundMs: number;
  /** `TASK_PROGRESS_SECONDS`: the least time between two progress lines of a background task (default 60). */
  readonly taskProgressMs: number;
  /** `SCHEDULE_MAX_TOKENS`: the token cap of one schedule run (default 50,000; never above the task's). */
  readonly scheduleMaxTokens: number;
  /** `SCHEDULE_MAX_COST_USD`: the cost cap of one schedule run (default 0.25; never above the task's). */
  readonly scheduleMaxCostUsd: number;
  /** `SCHEDULE_WALL_SECONDS`: the wall time of one schedule run (default 600; never above the task's). */
  readonly scheduleWallTimeMs: number;
  /** `SCHEDULE_TICK_SECONDS`: how often the box looks for due schedules (default 15). */
  readonly scheduleTickMs: number;
  /** `MCP_SERVERS`: the MCP servers whose tools the agent offers (JSON, or the path of a JSON file). */
  readonly mcpServers: readonly McpServerSettings[];
}

const onOff = z.enum(['on', 'off'], { message: 'expected on or off' });

/** `600`, `600s`, `10m` or `1h`: a duration, read as milliseconds. */
const duration = z
  .string()
  .trim()
  .regex(/^\d+\s*(s|m|h)?$/i, { message: 'expected a duration such as 600, 600s, 10m or 1h' })
  .transform((text) => {
    const match = /^(\d+)\s*(s|m|h)?$/i.exec(text);
    const amount = Number(match?.[1] ?? 0);
    const unit = (match?.[2] ?? 's').toLowerCase();
    return amount * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : 1000);
  })
  .refine((ms) => ms >= 1000 && ms <= 7 * 24 * 3_600_000, {
    message: 'expected between 1 second and 7 days',
  });

/** The tool variables. */
export const toolSection: ConfigSection<ToolSettings> = {
  variables: {
    SWITCHBOARD_TOOLS: onOff.default('on'),
    SWITCHBOARD_WORKSPACE: z.string().trim().min(1).default('./data/workspace'),
    SHELL_NETWORK: onOff.default('off'),
    SHELL_SANDBOX: onOff.default('on'),
    SHELL_TIMEOUT_SECONDS: integer(1, 86_400).default(120),
    HTTP_FETCH_ALLOW: list.default([]),
    APPROVAL_TTL: duration.default(600_000),
    TASK_MAX_TOKENS: integer(1, 100_000_000).default(200_000),
    TASK_MAX_COST_USD: z.coerce
      .number({ message: 'expected an amount in US dollars' })
      .positive({ message: 'expected more than zero' })
      .default(1),
    TASK_WALL_SECONDS: integer(1, 7 * 86_400).default(1800),
    TASK_FOREGROUND_SECONDS: integer(1, 3600).default(20),
    TASK_PROGRESS_SECONDS: integer(1, 86_400).default(60),
    SCHEDULE_MAX_TOKENS: integer(1, 100_000_000).default(50_000),
    SCHEDULE_MAX_COST_USD: z.coerce
      .number({ message: 'expected an amount in US dollars' })
      .positive({ message: 'expected more than zero' })
      .default(0.25),
    SCHEDULE_WALL_SECONDS: integer(1, 86_400).default(600),
    SCHEDULE_TICK_SECONDS: integer(1, 3600).default(15),
    MCP_SERVERS: mcpServersVariable.optional(),
  },
  build: (v) => ({
    enabled: v['SWITCHBOARD_TOOLS'] === 'on',
    workspace: v['SWITCHBOARD_WORKSPACE'] as string,
    shellNetwork: v['SHELL_NETWORK'] === 'on',
    shellSandbox: v['SHELL_SANDBOX'] as 'on' | 'off',
    shellTimeoutMs: (v['SHELL_TIMEOUT_SECONDS'] as number) * 1000,
    httpFetchAllow: v['HTTP_FETCH_ALLOW'] as string[],
    approvalTtlMs: v['APPROVAL_TTL'] as number,
    taskMaxTokens: v['TASK_MAX_TOKENS'] as number,
    taskMaxCostUsd: v['TASK_MAX_COST_USD'] as number,
    taskWallTimeMs: (v['TASK_WALL_SECONDS'] as number) * 1000,
    taskForegroundMs: (v['TASK_FOREGROUND_SECONDS'] as number) * 1000,
    taskProgressMs: (v['TASK_PROGRESS_SECONDS'] as number) * 1000,
    scheduleMaxTokens: v['SCHEDULE_MAX_TOKENS'] as number,
    scheduleMaxCostUsd: v['SCHEDULE_MAX_COST_USD'] as number,
    scheduleWallTimeMs: (v['SCHEDULE_WALL_SECONDS'] as number) * 1000,
    scheduleTickMs: (v['SCHEDULE_TICK_SECONDS'] as number) * 1000,
    mcpServers: (v['MCP_SERVERS'] as McpServerSettings[] | undefined) ?? [],
  }),
};
