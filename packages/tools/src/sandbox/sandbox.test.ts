import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWorkspace } from '../workspace';
import { type CommandLimits, DEFAULT_COMMAND_LIMITS } from './limits';
import { checkSandbox } from './probe';
import { type CommandResult, runCommand } from './run';

const sandbox = await checkSandbox();
const title = sandbox.available
  ? 'the bubblewrap sandbox'
  : `the bubblewrap sandbox (skipped: ${sandbox.detail})`;

/** True while any process's command line contains `marker` (the kill must leave none behind). */
function processWith(marker: string): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}

describe.skipIf(!sandbox.available)(title, () => {
  let root: string;
  let workspace: string;
  let secret: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'sandbox-test-'));
    // The sandbox user (nobody, when tests run as root) must reach the workspace through its parent.
    await chmod(root, 0o755);
    workspace = await ensureWorkspace(path.join(root, 'workspace'));
    secret = path.join(root, 'secret.txt');
    await writeFile(secret, 'top secret');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const run = (command: string, limits: Partial<CommandLimits> = {}, signal = new AbortController().signal) =>
    runCommand({
      command,
      mode: 'bwrap',
      workspace,
      network: false,
      limits: { ...DEFAULT_COMMAND_LIMITS, timeoutMs: 20_000, ...limits },
      signal,
    });

  it('runs a command in the workspace, where its files stay', async () => {
    const result = await run('echo made > made.txt && pwd && cat made.txt');
    expect(result).toMatchObject({ exitCode: 0, output: '/workspace\nmade\n' });
    expect(readFileSync(path.join(workspace, 'made.txt'), 'utf8')).toBe('made\n');
  });

  it('cannot read /etc/shadow, /root/.ssh or a file outside the workspace', async () => {
    for (const command of ['cat /etc/shadow', 'ls /root/.ssh', `cat ${secret}`]) {
      const result = await run(command);
      expect(result.exitCode, command).not.toBe(0);
      expect(result.output).not.toContain('top secret');
      expect(result.output).toMatch(/No such file or directory/);
    }
  });

  it('cannot write outside the workspace', async () => {
    const outside = path.join(root, 'escaped.txt');
    const result = await run(
      `echo x > ${outside}; echo x > /usr/escaped; echo x > /etc/escaped; echo x > ../escaped`,
    );
    expect(result.output).toMatch(/No such file or directory|Read-only file system|Permission denied/);
    expect(existsSync(outside)).toBe(false);
    expect(existsSync('/usr/escaped')).toBe(false);
    expect(existsSync('/etc/escaped')).toBe(false);
    expect(existsSync(path.join(root, 'escaped'))).toBe(false);
  });

  describe('network', () => {
    let server: Server;
    let connections = 0;
    let port = 0;
    beforeAll(async () => {
      server = createServer((socket) => {
        connections += 1;
        socket.destroy();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('cannot open a connection, to this host or anywhere', async () => {
      const result = await run(
        `echo hi > /dev/tcp/127.0.0.1/${port} && echo CONNECTED; echo hi > /dev/tcp/1.1.1.1/80 && echo CONNECTED`,
      );
      expect(result.output).not.toContain('CONNECTED');
      expect(connections).toBe(0);
    });
  });

  it('survives a fork bomb: the process cap stops it, the time cap kills it', async () => {
    const started = Date.now();
    const result = await run(':(){ :|:& };:; sleep 30', { processes: 64, timeoutMs: 3000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.output).toMatch(/Resource temporarily unavailable|retry/);
    const after = await run('echo still-works');
    expect(after.output).toContain('still-works');
  });

  it('kills a command that writes 100 MB of output at the output cap, keeping the first part', async () => {
    const result = await run('head -c 100000000 /dev/zero | tr "\\0" x');
    expect(result.killedBy).toBe('output');
    expect(result.output.length).toBe(DEFAULT_COMMAND_LIMITS.keepOutputBytes);
    expect(result.outputBytes).toBeLessThan(100_000_000);
  });

  it('kills `sleep 3600` and everything under it within 2 s of the abort, and at the time cap', async () => {
    const controller = new AbortController();
    const marker = `3600.${process.pid}1`;
    const running = run(`sleep ${marker} & sleep ${marker}; wait`, {}, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const abortedAt = Date.now();
    controller.abort();
    const result: CommandResult = await running;
    expect(Date.now() - abortedAt).toBeLessThan(2000);
    expect(result.killedBy).toBe('abort');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(processWith(`sleep ${marker}`)).toBe(false);

    const timed = await run(`sleep ${marker}`, { timeoutMs: 500 });
    expect(timed.killedBy).toBe('timeout');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(processWith(`sleep ${marker}`)).toBe(false);
  });
});

describe('without the sandbox (SHELL_SANDBOX=off)', () => {
  it('still runs in the workspace with a cleared environment, and kills `sleep 3600` within 2 s', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'unsandboxed-'));
    try {
      const controller = new AbortController();
      const limits = { ...DEFAULT_COMMAND_LIMITS, timeoutMs: 20_000 };
      const listed = await runCommand({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, not a template
        command: 'pwd; echo "key=${OPENAI_API_KEY:-none}"',
        mode: 'none',
        workspace: root,
        network: false,
        limits,
        signal: controller.signal,
      });
      expect(listed.output).toBe(`${root}\nkey=none\n`);
      const running = runCommand({
        command: 'sleep 3600',
        mode: 'none',
        workspace: root,
        network: false,
        limits,
        signal: controller.signal,
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const abortedAt = Date.now();
      controller.abort();
      expect((await running).killedBy).toBe('abort');
      expect(Date.now() - abortedAt).toBeLessThan(2000);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
