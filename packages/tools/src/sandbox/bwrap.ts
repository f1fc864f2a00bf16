import { existsSync, lstatSync, readlinkSync } from 'node:fs';

/** Where the workspace appears inside the sandbox; commands start there. */
export const SANDBOX_WORKSPACE = '/workspace';

/** What one sandboxed command may use. */
export interface SandboxOptions {
  /**
   * The real path of the workspace, bound writable at {@link SANDBOX_WORKSPACE}. The sandbox user must be
   * able to reach it (the folders above it searchable by everyone when the box runs as root).
   */
  readonly workspace: string;
  /** Keep the host's network (`SHELL_NETWORK=on`); otherwise the sandbox has only its own loopback. */
  readonly network: boolean;
}

/** System folders the shell needs, read-only; a top-level symlink (`/bin` → `usr/bin`) is kept a symlink. */
const SYSTEM_PATHS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/opt'];

/**
 * The few files of `/etc` a shell and its tools need. Everything else there (`shadow`, `sudoers`,
 * credentials, the box's own configuration) does not exist inside the sandbox.
 */
const ETC_PATHS = [
  '/etc/alternatives',
  '/etc/bash.bashrc',
  '/etc/ca-certificates',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/localtime',
  '/etc/profile',
  '/etc/profile.d',
  '/etc/ssl',
];

/** With network only: name resolution. */
const NETWORK_ETC_PATHS = ['/etc/hosts', '/etc/nsswitch.conf', '/etc/resolv.conf', '/etc/gai.conf'];

function bindReadOnly(paths: readonly string[]): string[] {
  const args: string[] = [];
  for (const host of paths) {
    if (!existsSync(host)) continue;
    if (lstatSync(host).isSymbolicLink() && SYSTEM_PATHS.includes(host))
      args.push('--symlink', readlinkSync(host), host);
    else args.push('--ro-bind', host, host);
  }
  return args;
}

/**
 * The `bwrap` arguments for one command: new namespaces for everything (user, pid, ipc, uts, cgroup,
 * and the network unless allowed), a fresh `/proc`, `/dev` and `/tmp`, the system read-only, the
 * workspace the only writable host folder, no host environment, and the sandbox killed with its parent.
 * `/root`, `/home` and the box's data folder do not exist inside.
 */
export function bwrapArguments(options: SandboxOptions): string[] {
  return [
    '--unshare-all',
    ...(options.network ? ['--share-net'] : []),
    '--die-with-parent',
    '--new-session',
    ...bindReadOnly(SYSTEM_PATHS),
    ...bindReadOnly(ETC_PATHS),
    ...(options.network ? bindReadOnly(NETWORK_ETC_PATHS) : []),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    '--bind',
    options.workspace,
    SANDBOX_WORKSPACE,
    '--chdir',
    SANDBOX_WORKSPACE,
    '--clearenv',
    '--setenv',
    'PATH',
    '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    '--setenv',
    'HOME',
    SANDBOX_WORKSPACE,
    '--setenv',
    'LANG',
    'C.UTF-8',
    '--setenv',
    'TERM',
    'dumb',
  ];
}
