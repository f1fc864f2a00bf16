import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ToolError } from '../errors';
import { defineTool, type Tool } from '../tool';
import { resolveInWorkspace, runningAsRoot, SANDBOX_ID } from '../workspace';

/** The most a `read_file` returns. */
export const MAX_READ_BYTES = 262_144;
/** The most a `write_file` writes. */
export const MAX_WRITE_BYTES = 1_048_576;
/** The most entries a `list_files` returns. */
export const MAX_LIST_ENTRIES = 500;

const pathField = z.string().min(1).max(4096).describe('A path relative to the workspace folder.');
const readInput = z.object({ path: pathField });
const writeInput = z.object({
  path: pathField,
  content: z.string().max(MAX_WRITE_BYTES).describe('The whole new content of the file.'),
});
const listInput = z.object({
  path: z
    .string()
    .max(4096)
    .default('.')
    .describe('A folder relative to the workspace; default the workspace.'),
});

/** `read_file` (read): a text file of the workspace, up to {@link MAX_READ_BYTES}. */
export const readFileTool: Tool<z.infer<typeof readInput>> = defineTool({
  name: 'read_file',
  description: 'Read a text file from the workspace folder.',
  input: readInput,
  risk: 'read',
  summarize: (input) => `read ${input.path}`,
  async run(input, context) {
    const target = await resolveInWorkspace(context.workspace, input.path);
    const handle = await open(target, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: unknown) => {
      throw new ToolError('file_unreadable', `Cannot read ${input.path}: ${(error as Error).message}.`);
    });
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new ToolError('not_a_file', `${input.path} is not a file.`);
      const buffer = Buffer.alloc(Math.min(info.size, MAX_READ_BYTES));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      const text = buffer.subarray(0, bytesRead).toString('utf8');
      const cut =
        info.size > MAX_READ_BYTES ? `\n[cut: ${info.size} bytes, the first ${MAX_READ_BYTES} shown]` : '';
      return { text: `${text}${cut}` };
    } finally {
      await handle.close();
    }
  },
});

/** `write_file` (write): create or replace a file of the workspace (folders made as needed). */
export const writeFileTool: Tool<z.infer<typeof writeInput>> = defineTool({
  name: 'write_file',
  description: 'Create or replace a text file in the workspace folder.',
  input: writeInput,
  risk: 'write',
  summarize: (input) => `write ${Buffer.byteLength(input.content)} bytes to ${input.path}`,
  async run(input, context) {
    const target = await resolveInWorkspace(context.workspace, input.path);
    await mkdir(path.dirname(target), { recursive: true });
    // Resolve again: the folders now exist, and a link placed meanwhile must not lead out.
    const checked = await resolveInWorkspace(context.workspace, input.path);
    const existing = await lstat(checked).catch(() => undefined);
    if (existing?.isSymbolicLink())
      throw new ToolError('path_is_link', `${input.path} is a link; write to its target instead.`);
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
    const handle = await open(checked, flags, 0o644);
    try {
      await handle.writeFile(input.content, 'utf8');
      if (runningAsRoot()) await handle.chown(SANDBOX_ID, SANDBOX_ID);
    } finally {
      await handle.close();
    }
    return { text: `wrote ${Buffer.byteLength(input.content)} bytes to ${input.path}` };
  },
});

/** `list_files` (read): the entries of a workspace folder, folders marked with `/`. */
export const listFilesTool: Tool<z.infer<typeof listInput>> = defineTool({
  name: 'list_files',
  description: 'List the files and folders in a folder of the workspace.',
  input: listInput,
  risk: 'read',
  summarize: (input) => `list ${input.path}`,
  async run(input, context) {
    const target = await resolveInWorkspace(context.workspace, input.path);
    if (!(await stat(target)).isDirectory())
      throw new ToolError('not_a_folder', `${input.path} is not a folder.`);
    const entries = await readdir(target, { withFileTypes: true });
    const names = entries
      .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name))
      .sort()
      .slice(0, MAX_LIST_ENTRIES);
    const more = entries.length > MAX_LIST_ENTRIES ? `\n[${entries.length - MAX_LIST_ENTRIES} more]` : '';
    return { text: names.length === 0 ? '(empty folder)' : `${names.join('\n')}${more}` };
  },
});
