import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** How long a task's lease holds without renewal; renewed every third of it. */
export const DEFAULT_LEASE_MS = 30_000;

/** A lease owner id for this process: `host:pid:boot`, the boot part new on every start. */
export function newLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * True when `owner` is a process of this machine that no longer runs (or this very process from an
 * earlier start, when a container reuses the pid), so its tasks can be recovered without waiting for
 * their leases to expire. Owners on other machines are judged by their lease alone.
 */
export function isDeadHere(owner: string, me: string): boolean {
  const [host, pid, boot] = owner.split(':');
  const [myHost, myPid, myBoot] = me.split(':');
  if (host === undefined || pid === undefined || host !== myHost) return false;
  if (pid === myPid) return boot !== myBoot;
  const number = Number(pid);
  if (!Number.isInteger(number) || number <= 0) return false;
  try {
    process.kill(number, 0);
    return false;
  } catch (error) {
    return (error as { code?: string }).code === 'ESRCH';
  }
}
