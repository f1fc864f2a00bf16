import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig, type ReplyPart } from '@switchboard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { checkSandbox } from '@switchboard/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebMessage } from '../test/web-message';
import { type Box, startBox } from './box';

type Approval = Extract<ReplyPart, { type: 'approval-request' }>;

const sandbox = await checkSandbox();
const title = sandbox.available
  ? 'tools through the whole box over the web API'
  : `tools through the whole box over the web API (skipped: ${sandbox.detail})`;

/** The text of the last tool result in a Chat Completions request, if it has one. */
function lastToolResult(body: unknown): string | undefined {
  const messages = (body as { messages?: { role: string; content: string }[] }).messages ?? [];
  return messages.findLast((message) => message.role === 'tool')?.content;
}

const decide = (box: Box, approvalId: string, choice: string) =>
  fetch(`${box.url}/api/approvals/${encodeURIComponent(approvalId)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ choice }),
  });

describe.skipIf(!sandbox.available)(title, () => {
  let fake: FakeOpenAI;
  let box: Box;
  let root: string;
  let workspace: string;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    // The model runs whatever command the question names, then reports the tool's output.
    fake.respond((request) => {
      const result = lastToolResult(request.body);
      if (result !== undefined) return { type: 'text', text: `The command said: ${result}` };
      const messages = (request.body as { messages: { role: string; content: string }[] }).messages;
      const command = messages.findLast((message) => message.role === 'user')?.content.replace(/^run /, '');
      return { type: 'tool-calls', calls: [{ name: 'shell', arguments: { command } }] };
    });
    root = await mkdtemp(path.join(tmpdir(), 'box-tools-'));
    await chmod(root, 0o755);
    workspace = path.join(root, 'workspace');
    const config = loadConfig({
      env: {
        SWITCHBOARD_DATA_DIR: 'memory://',
        OPENAI_BASE_URL: fake.url,
        OPENAI_MODELS: 'fake-model',
        SWITCHBOARD_WORKSPACE: workspace,
      },
      file: false,
    });
    box = await startBox(config, { port: 0, logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await box?.stop();
    await fake?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('message → approval-request → approve → the effect in the workspace → reply-end with the output', async () => {
    const reply = await sendWebMessage(box, 'run echo approved-by-owner > proof.txt && cat proof.txt');
    const approval = (await reply.until((part) => part.type === 'approval-request')) as Approval;
    expect(approval.summary).toContain('run `echo approved-by-owner > proof.txt && cat proof.txt`');
    await expect(readFile(path.join(workspace, 'proof.txt'))).rejects.toThrow();

    const decided = await decide(box, approval.approvalId, 'approve');
    expect(decided.status).toBe(200);
    expect(await decided.json()).toEqual({
      approvalId: approval.approvalId,
      choice: 'approve',
      status: 'decided',
    });
    const end = await reply.until((part) => part.type === 'reply-end' || part.type === 'error');
    expect(end).toMatchObject({ type: 'reply-end', text: expect.stringContaining('approved-by-owner') });
    expect(await readFile(path.join(workspace, 'proof.txt'), 'utf8')).toBe('approved-by-owner\n');

    const again = await decide(box, approval.approvalId, 'approve');
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'approval_closed' } });
    const unknown = await decide(box, 'ap_nothing', 'approve');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_approval' } });
  });

  it('lists the tasks and shows one with its tool and approval events (GET /api/tasks)', async () => {
    const listed = await fetch(`${box.url}/api/tasks`);
    expect(listed.status).toBe(200);
    const { tasks } = (await listed.json()) as { tasks: { id: string; status: string }[] };
    expect(tasks.length).toBeGreaterThan(0);
    const shown = await fetch(`${box.url}/api/tasks/${tasks.at(-1)?.id}`);
    const { task, events } = (await shown.json()) as { task: { status: string }; events: { type: string }[] };
    expect(task.status).toBe('succeeded');
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['route', 'tool-call', 'approval-requested', 'approval-decided', 'tool-result']),
    );
    expect((await fetch(`${box.url}/api/tasks/nope`)).status).toBe(404);
    expect((await fetch(`${box.url}/api/tasks?limit=0`)).status).toBe(400);
  });

  it('never runs a denied command', async () => {
    const reply = await sendWebMessage(box, 'run touch denied.txt');
    const approval = (await reply.until((part) => part.type === 'approval-request')) as Approval;
    expect((await decide(box, approval.approvalId, 'deny')).status).toBe(200);
    const end = await reply.until((part) => part.type === 'reply-end' || part.type === 'error');
    expect(end).toMatchObject({ type: 'reply-end', text: expect.stringContaining('denied this call') });
    await expect(readFile(path.join(workspace, 'denied.txt'))).rejects.toThrow();
  });

  it('/cancel stops an approved `sleep 3600` within 2 s', async () => {
    const reply = await sendWebMessage(box, 'run sleep 3600');
    const approval = (await reply.until((part) => part.type === 'approval-request')) as Approval;
    expect((await decide(box, approval.approvalId, 'approve')).status).toBe(200);
    await reply.until((part) => part.type === 'status' && part.text.includes('sleep 3600'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cancelledAt = Date.now();
    const cancel = await sendWebMessage(box, '/cancel');
    await cancel.until((part) => part.type === 'reply-end');
    const end = await reply.until((part) => part.type === 'reply-end' || part.type === 'error');
    expect(Date.now() - cancelledAt).toBeLessThan(2000);
    expect(end).toMatchObject({ type: 'reply-end', text: expect.stringContaining('cancelled') });
  });
});
