import { chown, mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ToolError } from './errors';

/** The uid and gid sandboxed commands run as when the box itself runs as root (`nobody`). */
export const SANDBOX_ID = 65_534;

/** True when the box runs as root, so sandboxed commands must drop to {@link SANDBOX_ID}. */
export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Create the workspace if needed and return its real absolute path. When the box runs as root the
 * folder belongs to {@link SANDBOX_ID}, the user the shell runs as, so its commands can write there.
 */
export async function ensureWorkspace(folder: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  const real = await realpath(folder);
  if (runningAsRoot()) await chown(real, SANDBOX_ID, SANDBOX_ID);
  return real;
}

const isInside = (root: string, candidate: string): boolean =>
  candidate === root || candidate.startsWith(`${root}${path.sep}`);

function outside(given: string): ToolError {
  return new ToolError(
    'path_outside_workspace',
    `${given} is outside the workspace; use a path relative to the workspace, such as notes/todo.txt.`,
  );
}

/** The deepest part of `target` that exists, resolved through every symlink. */
async function realAncestor(target: string): Promise<{ real: string; rest: string[] }> {
  const rest: string[] = [];
  let current = target;
  for (;;) {
    try {
      return { real: await realpath(current), rest };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const parent = path.dirname(current);
      if (parent === current) throw error;
      rest.unshift(path.basename(current));
      current = parent;
    }
  }
}

/**
 * The absolute path of `given` (relative to the workspace, or absolute inside it), after following every
 * symlink that exists: a path that leads outside `workspace`, by `..` or through a link, is refused. The
 * workspace itself must be a real path (from {@link ensureWorkspace}).
 */
export async function resolveInWorkspace(workspace: string, given: string): Promise<string> {
  if (given.includes('\u0000')) throw outside(JSON.stringify(given));
  const lexical = path.resolve(workspace, given);
  if (!isInside(workspace, lexical)) throw outside(given);
  const { real, rest } = await realAncestor(lexical);
  if (!isInside(workspace, real)) throw outside(given);
  return path.join(real, ...rest);
}
