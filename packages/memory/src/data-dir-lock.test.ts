import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockDataDir } from './data-dir-lock';

const tsxLoader = join(
  dirname(createRequire(import.meta.url).resolve('tsx/package.json')),
  'dist',
  'loader.mjs',
);
const lockModule = fileURLToPath(new URL('./data-dir-lock.ts', import.meta.url));

/** Run a Node process that takes the lock on `folder`, then ends the way `ending` says; resolves its exit code. */
function holdThenEnd(folder: string, ending: string): Promise<number | null> {
  const script = `const { lockDataDir } = await import(${JSON.stringify(lockModule)});
await lockDataDir(${JSON.stringify(folder)});
${ending}`;
  const child = spawn(process.execPath, ['--import', tsxLoader, '--input-type=module', '-e', script], {
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the data folder lock', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'switchboard-lock-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('is gone after a process that holds it calls process.exit without releasing it', async () => {
    expect(await holdThenEnd(folder, 'process.exit(1);')).toBe(1);
    expect(existsSync(join(folder, 'switchboard.lock'))).toBe(false);
    const lock = await lockDataDir(folder);
    expect(Number.parseInt(await readFile(join(folder, 'switchboard.lock'), 'utf8'), 10)).toBe(process.pid);
    await lock.release();
  });

  it('is gone after a process that holds it ends because an error went unhandled', async () => {
    expect(await holdThenEnd(folder, "throw new Error('start-up failed');")).toBe(1);
    expect(existsSync(join(folder, 'switchboard.lock'))).toBe(false);
  });
});
