import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_MEMORY } from './connect-pglite';
import { openStore } from './open';
import type { Store } from './store';
import { createTestDatabase } from './testing';

const drivers: { name: string; setUp(): Promise<{ databaseUrl?: string; drop(): Promise<void> }> }[] = [
  { name: 'PGlite', setUp: async () => ({ drop: async () => {} }) },
];
if (process.env['DATABASE_URL']) {
  drivers.push({
    name: 'Postgres',
    setUp: async () => {
      const database = await createTestDatabase();
      return { databaseUrl: database.url, drop: () => database.drop() };
    },
  });
}

describe.each(drivers)('approvals on $name', (driver) => {
  let store: Store;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const setup = await driver.setUp();
    drop = setup.drop;
    store = await openStore({
      dataDir: IN_MEMORY,
      ...(setup.databaseUrl ? { databaseUrl: setup.databaseUrl } : {}),
    });
  });
  afterAll(async () => {
    await store?.close();
    await drop?.();
  });

  async function pending(expiresInMs = 60_000): Promise<string> {
    const taskId = randomUUID();
    await store.beginTask({
      id: taskId,
      eventId: `e-${taskId}`,
      conversationKey: 'k',
      authorId: 'web:owner',
      command: 'ask',
    });
    const id = `ap_${randomUUID()}`;
    const created = await store.createApproval({
      id,
      taskId,
      conversationKey: 'k',
      requester: 'web:owner',
      toolName: 'shell',
      argumentsHash: 'abc',
      arguments: { command: 'ls -la' },
      summary: 'run `ls -la`',
      choices: ['approve', 'deny'],
      expiresAt: new Date(Date.now() + expiresInMs),
    });
    expect(created).toMatchObject({
      id,
      status: 'pending',
      arguments: { command: 'ls -la' },
      choices: ['approve', 'deny'],
    });
    return id;
  }
  const decision = (status: 'approved' | 'denied', decidedBy = 'web:owner') => ({
    choice: status === 'approved' ? 'approve' : 'deny',
    status,
    decidedBy,
    at: new Date(),
  });

  it('records one decision of many concurrent presses', async () => {
    const id = await pending();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        store.decideApproval(id, decision(index % 2 ? 'denied' : 'approved', `u${index}`)),
      ),
    );
    expect(results.filter((result) => result.status === 'decided')).toHaveLength(1);
    expect(results.filter((result) => result.status === 'closed')).toHaveLength(4);
    const winner = results.find((result) => result.status === 'decided');
    const stored = await store.getApproval(id);
    expect(stored?.status).toBe(winner?.status === 'decided' ? winner.approval.status : 'missing');
    expect(stored?.decidedAt).toBeInstanceOf(Date);
  });

  it('decides nothing after the expiry, and marks the approval expired', async () => {
    const id = await pending(-1000);
    expect(await store.decideApproval(id, decision('approved'))).toMatchObject({
      status: 'closed',
      approval: { status: 'expired' },
    });
    expect(await store.decideApproval('ap_missing', decision('approved'))).toEqual({ status: 'unknown' });
  });

  it('lists the tools allowed for a conversation: approvals decided with allow-conversation only', async () => {
    const granted = await pending();
    await store.decideApproval(granted, { ...decision('approved'), choice: 'allow-conversation' });
    const once = await pending();
    await store.decideApproval(once, decision('approved'));
    expect(await store.conversationGrants('k')).toEqual(['shell']);
    expect(await store.conversationGrants('other')).toEqual([]);
  });

  it('expires only a pending approval', async () => {
    const id = await pending();
    await store.decideApproval(id, decision('denied'));
    await store.expireApproval(id, new Date());
    expect((await store.getApproval(id))?.status).toBe('denied');
    const open = await pending();
    await store.expireApproval(open, new Date());
    expect((await store.getApproval(open))?.status).toBe('expired');
  });

  it('pins a tool definition and replaces the pin on re-approval', async () => {
    const name = `mcp_pin_${randomUUID().slice(0, 8)}`;
    expect(await store.toolPin(name)).toBeUndefined();
    await store.pinTool({ toolName: name, definitionHash: 'first', definition: { description: 'one' } });
    expect(await store.toolPin(name)).toMatchObject({
      definitionHash: 'first',
      definition: { description: 'one' },
    });
    await store.pinTool({ toolName: name, definitionHash: 'second', definition: { description: 'two' } });
    expect(await store.toolPin(name)).toMatchObject({
      definitionHash: 'second',
      definition: { description: 'two' },
    });
  });
});
