import type { ServerType } from '@hono/node-server';
import { openStore, type Store } from '@switchboard/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, listen } from '../http-server';
import { memoryRoutes } from './memory-routes';

const OWNER = { listenHost: '127.0.0.1', allowedHosts: [], allowedOrigins: [] };
const TOKEN = 'memory-routes-test-token-0123456789';

describe('the memory routes of the box HTTP server', () => {
  let store: Store;
  let server: ServerType;
  let base: string;

  beforeAll(async () => {
    store = await openStore({ dataDir: 'memory://' });
    const app = createHttpApp({
      routes: memoryRoutes({ store: () => store, apiToken: TOKEN }),
      owner: OWNER,
      health: async () => ({ ok: true }),
    });
    const listening = await listen(app, '127.0.0.1', 0);
    server = listening.server;
    base = `http://127.0.0.1:${listening.port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await store?.close();
  });

  it('GET /api/history?q= searches the owner’s turns, newest first, with model and cost, behind the token', async () => {
    const identity = 'web:owner';
    await store.personFor(identity);
    const ref = { platform: 'web' as const, account: 'box', channel: 'owner', direct: true };
    const conversation = await store.ensureConversation(ref);
    for (const [index, text] of ['the heating bill is due', 'plant the tulips'].entries()) {
      const id = `history-route-${index}`;
      await store.beginTask({
        id,
        eventId: id,
        conversationKey: conversation.key,
        authorId: identity,
        command: 'ask',
      });
      await store.updateTask(id, { model: 'openai:gpt-4o-mini', costUsd: 0.002 });
      await store.addMessages([
        { conversationKey: conversation.key, role: 'user', content: text, taskId: id, authorId: identity },
      ]);
    }
    expect((await fetch(`${base}/api/history?q=heating`)).status).toBe(401);
    const response = await fetch(`${base}/api/history?q=heating`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      results: { content: string; model: string; costUsd: number }[];
    };
    expect(body.results).toEqual([
      expect.objectContaining({
        content: 'the heating bill is due',
        model: 'openai:gpt-4o-mini',
        costUsd: 0.002,
      }),
    ]);
  });

  it('GET /api/export/<token> downloads the person’s rows while the link is valid', async () => {
    const personId = await store.personFor('telegram:export-route');
    await store.addMemory({ personId, content: 'likes tulips', source: 'remember' });
    const token = await store.createExportLink(personId, new Date(Date.now() + 60_000));
    const response = await fetch(`${base}/api/export/${token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('attachment');
    const exported = (await response.json()) as { tables: Record<string, { content?: string }[]> };
    expect(exported.tables['memories']?.map((row) => row.content)).toEqual(['likes tulips']);
    const expired = await store.createExportLink(personId, new Date(Date.now() - 1));
    expect((await fetch(`${base}/api/export/${expired}`)).status).toBe(404);
  });
});
