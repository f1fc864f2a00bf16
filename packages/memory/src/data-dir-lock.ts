import { readFileSync, unlinkSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SwitchboardError } from '@switchboard/core';

/**
 * PGlite has no lock of its own: two processes opening one data folder corrupt it. This file holds the
 * pid of the process that has the folder open.
 */
const LOCK_FILE = 'switchboard.lock';

/** Folders this process has open, so a second open in the same process is refused too. */
const openHere = new Set<string>();

let exitHookInstalled = false;

/** Remove the lock files this process still holds; runs on `process.exit` too, where nothing async can. */
function releaseAtExit(): void {
  for (const folder of openHere) {
    const path = join(folder, LOCK_FILE);
    try {
      if (Number.parseInt(readFileSync(path, 'utf8').trim(), 10) === process.pid) unlinkSync(path);
    } catch {
      // Already gone, or not readable: nothing of ours to remove.
    }
  }
  openHere.clear();
  exitHookInstalled = false;
}

/** A held lock on a data folder. */
export interface DataDirLock {
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The pid of another live process (or this one) that has `folder` open, or undefined when it is free.
 * A lock left by a process that is gone does not count.
 */
export async function dataDirHolder(folder: string): Promise<number | undefined> {
  if (openHere.has(folder)) return process.pid;
  let content: string;
  try {
    content = await readFile(join(folder, LOCK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(content.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  return isAlive(pid) ? pid : undefined;
}

/**
 * Take the lock on an existing `folder`, or throw `database_in_use` naming the process that holds it.
 * The lock goes when released, and at the latest when the process exits by any means but a kill
 * (`process.exit` from a start-up that failed or hung included), so the next start takes the folder.
 */
export async function lockDataDir(folder: string): Promise<DataDirLock> {
  const path = join(folder, LOCK_FILE);
  if (openHere.has(folder)) throw inUse(folder, process.pid);
  try {
    await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = await dataDirHolder(folder);
    if (holder !== undefined) throw inUse(folder, holder);
    await writeFile(path, `${process.pid}\n`);
  }
  if (!exitHookInstalled) {
    process.once('exit', releaseAtExit);
    exitHookInstalled = true;
  }
  openHere.add(folder);
  return {
    async release() {
      openHere.delete(folder);
      const content = await readFile(path, 'utf8').catch(() => '');
      if (Number.parseInt(content.trim(), 10) === process.pid) await unlink(path).catch(() => {});
    },
  };
}

function inUse(folder: string, holder: number): SwitchboardError {
  const who = holder === process.pid ? 'this process' : `another process (pid ${holder})`;
  return new SwitchboardError(
    'database_in_use',
    `The embedded database in ${folder} is already open in ${who}. Stop the other Switchboard first, or set DATABASE_URL so several processes can share one Postgres.`,
  );
}
