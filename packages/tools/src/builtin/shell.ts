import { z } from 'zod';
import { type CommandLimits, DEFAULT_COMMAND_LIMITS } from '../sandbox/limits';
import { type CommandResult, runCommand, type SandboxMode } from '../sandbox/run';
import { defineTool, type Tool } from '../tool';

/** How the shell tool runs its commands. */
export interface ShellSettings {
  readonly mode: SandboxMode;
  readonly network: boolean;
  readonly limits?: Partial<CommandLimits>;
}

const input = z.object({
  command: z.string().min(1).max(10_000).describe('A bash command line, run in the workspace folder.'),
});

/** What the model reads back: the exit, why it was stopped, and the output. */
export function describeResult(result: CommandResult, limits: CommandLimits): string {
  const how =
    result.killedBy === 'timeout'
      ? `killed after the time limit of ${Math.round(limits.timeoutMs / 1000)} s`
      : result.killedBy === 'output'
        ? `killed after more than ${limits.killAfterOutputBytes} bytes of output`
        : result.killedBy === 'abort'
          ? 'stopped: the task was cancelled'
          : result.exitCode === null
            ? `ended by ${result.exitSignal ?? 'a signal'}`
            : `exit code ${result.exitCode}`;
  const cut =
    result.outputBytes > result.output.length
      ? `\n[output cut: ${result.outputBytes} bytes, the first ${Buffer.byteLength(result.output)} shown]`
      : '';
  return `${how}\n${result.output}${cut}`;
}

/**
 * `shell` (dangerous): run `{ command }` with `bash -lc` in the workspace, inside bubblewrap unless the
 * owner turned the sandbox off, under time, CPU, memory, process, file-size and output caps.
 */
export function shellTool(settings: ShellSettings): Tool<z.infer<typeof input>> {
  const limits: CommandLimits = { ...DEFAULT_COMMAND_LIMITS, ...settings.limits };
  return defineTool({
    name: 'shell',
    description:
      'Run a bash command in the workspace folder and read its output (stdout and stderr). The owner approves every command.' +
      (settings.network ? '' : ' There is no network access.'),
    input,
    risk: 'dangerous',
    summarize: ({ command }) => `run \`${command}\``,
    async run({ command }, context) {
      const result = await runCommand({
        command,
        mode: settings.mode,
        workspace: context.workspace,
        network: settings.network,
        limits,
        signal: context.signal,
      });
      return {
        text: describeResult(result, limits),
        isError: result.exitCode !== 0,
      };
    },
  });
}
