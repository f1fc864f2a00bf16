import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolContext } from '../tool';
import { ensureWorkspace } from '../workspace';
import { listFilesTool, readFileTool, writeFileTool } from './files';

describe('the file tools', () => {
  let root: string;
  let context: ToolContext;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'files-test-'));
    const workspace = await ensureWorkspace(path.join(root, 'workspace'));
    await writeFile(path.join(root, 'secret.txt'), 'top secret');
    await mkdir(path.join(root, 'elsewhere'));
    await symlink(path.join(root, 'secret.txt'), path.join(workspace, 'link-to-secret'));
    await symlink(path.join(root, 'elsewhere'), path.join(workspace, 'link-to-folder'));
    context = { signal: new AbortController().signal, workspace, taskId: 't', step: 1 };
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes, reads and lists inside the workspace', async () => {
    await writeFileTool.run({ path: 'notes/todo.txt', content: 'buy milk' }, context);
    expect(await readFile(path.join(context.workspace, 'notes/todo.txt'), 'utf8')).toBe('buy milk');
    expect((await readFileTool.run({ path: 'notes/todo.txt' }, context)).text).toBe('buy milk');
    expect((await listFilesTool.run({ path: '.' }, context)).text).toContain('notes/');
  });

  it('refuses paths that leave the workspace, by .., by absolute path or through a symlink', async () => {
    for (const outsidePath of [
      '../secret.txt',
      path.join(root, 'secret.txt'),
      'link-to-secret',
      'notes/../../secret.txt',
    ])
      await expect(readFileTool.run({ path: outsidePath }, context), outsidePath).rejects.toMatchObject({
        code: 'path_outside_workspace',
      });
    await expect(
      writeFileTool.run({ path: 'link-to-folder/planted.txt', content: 'x' }, context),
    ).rejects.toMatchObject({
      code: 'path_outside_workspace',
    });
    await expect(writeFileTool.run({ path: '../planted.txt', content: 'x' }, context)).rejects.toMatchObject({
      code: 'path_outside_workspace',
    });
    await expect(listFilesTool.run({ path: 'link-to-folder' }, context)).rejects.toMatchObject({
      code: 'path_outside_workspace',
    });
    await expect(readFile(path.join(root, 'elsewhere', 'planted.txt'))).rejects.toThrow();
    await expect(readFile(path.join(root, 'planted.txt'))).rejects.toThrow();
  });
});
