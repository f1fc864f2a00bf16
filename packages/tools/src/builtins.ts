import type { ToolSettings } from '@switchboard/core';
import { listFilesTool, readFileTool, writeFileTool } from './builtin/files';
import { httpFetchTool } from './builtin/http-fetch';
import { shellTool } from './builtin/shell';
import type { SandboxCheck } from './sandbox/probe';
import type { AnyTool } from './tool';

/** Why the shell tool is on or off, for `doctor` and the logs. */
export interface ShellAvailability {
  readonly on: boolean;
  readonly mode: 'bwrap' | 'none';
  readonly detail: string;
}

/**
 * Whether `shell` is offered: inside bubblewrap where it runs; without it only when the owner set
 * `SHELL_SANDBOX=off` explicitly; otherwise off.
 */
export function shellAvailability(settings: ToolSettings, sandbox: SandboxCheck): ShellAvailability {
  if (settings.shellSandbox === 'off')
    return { on: true, mode: 'none', detail: 'shell runs WITHOUT a sandbox (SHELL_SANDBOX=off)' };
  if (sandbox.available)
    return {
      on: true,
      mode: 'bwrap',
      detail: `shell runs in bubblewrap, network ${settings.shellNetwork ? 'on (SHELL_NETWORK=on)' : 'off'}`,
    };
  return {
    on: false,
    mode: 'bwrap',
    detail: `shell is off: ${sandbox.detail}; install bubblewrap, or set SHELL_SANDBOX=off to run commands unsandboxed`,
  };
}

/** The built-in tools for these settings: files and `http_fetch` always, `shell` when it may run. */
export function builtinTools(settings: ToolSettings, shell: ShellAvailability): AnyTool[] {
  return [
    readFileTool,
    writeFileTool,
    listFilesTool,
    httpFetchTool({ allow: settings.httpFetchAllow }),
    ...(shell.on
      ? [
          shellTool({
            mode: shell.mode,
            network: settings.shellNetwork,
            limits: { timeoutMs: settings.shellTimeoutMs },
          }),
        ]
      : []),
  ];
}
