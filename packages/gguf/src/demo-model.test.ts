import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_MODEL_FILE,
  DEMO_MODEL_NAME,
  demoModelOptions,
  ensureDemoModel,
  isCurrentDemoModel,
} from './demo-model';
import { writeLlamaModel } from './llama-model';
import { readGgufHeader } from './reader';
import { findValue, gguf } from './values';

let root: string;
let counter = 0;
const freshDirectory = () => join(root, `demo-${counter++}`);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gguf-demo-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ensureDemoModel', () => {
  it('writes a small labelled model once, then reuses it', async () => {
    const directory = freshDirectory();
    const first = await ensureDemoModel(directory);
    expect(first).toEqual({ path: join(directory, DEMO_MODEL_FILE), created: true });
    const bytes = await readFile(first.path);
    expect(bytes.length).toBeLessThan(10 * 1024 * 1024);
    const header = await readGgufHeader(first.path);
    expect(findValue(header.metadata, 'general.name')).toEqual({ type: 'string', value: DEMO_MODEL_NAME });
    const again = await ensureDemoModel(directory);
    expect(again).toEqual({ path: first.path, created: false });
    expect((await readFile(again.path)).equals(bytes)).toBe(true);
  });

  it('writes the same bytes in every directory (fixed seed)', async () => {
    const a = await ensureDemoModel(freshDirectory());
    const b = await ensureDemoModel(freshDirectory());
    expect((await readFile(a.path)).equals(await readFile(b.path))).toBe(true);
  });

  it('rewrites a truncated file', async () => {
    const { path } = await ensureDemoModel(freshDirectory());
    const size = (await stat(path)).size;
    await truncate(path, size - 1000);
    expect(await isCurrentDemoModel(path)).toBe(false);
    const repaired = await ensureDemoModel(join(path, '..'));
    expect(repaired.created).toBe(true);
    expect((await stat(path)).size).toBe(size);
    expect(await isCurrentDemoModel(path)).toBe(true);
  });

  it('rewrites a file that is not a GGUF model, or a demo model of another version', async () => {
    const directory = freshDirectory();
    const { path } = await ensureDemoModel(directory);
    await writeFile(path, 'not a model');
    expect((await ensureDemoModel(directory)).created).toBe(true);
    await writeLlamaModel(path, {
      ...demoModelOptions(),
      extraMetadata: [{ key: 'switchboard.demo.version', value: gguf.u32(0) }],
    });
    expect(await isCurrentDemoModel(path)).toBe(false);
    expect((await ensureDemoModel(directory)).created).toBe(true);
    expect(await isCurrentDemoModel(path)).toBe(true);
  });

  it('leaves one complete file and no temporary files when processes race', async () => {
    const directory = freshDirectory();
    const results = await Promise.all(Array.from({ length: 6 }, () => ensureDemoModel(directory)));
    expect(new Set(results.map((result) => result.path)).size).toBe(1);
    expect(await readdir(directory)).toEqual([DEMO_MODEL_FILE]);
    expect(await isCurrentDemoModel(join(directory, DEMO_MODEL_FILE))).toBe(true);
  });
});
