import { createDeliveryEngine } from '@switchboard/chat';
import { createLogger } from '@switchboard/core';
import { type FakeGraph, type GraphCall, startFakeGraph } from '@switchboard/testkit/fake-whatsapp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudAdapter } from './adapter';

const WAID = '15550000009';
let graph: FakeGraph;
beforeAll(async () => {
  graph = await startFakeGraph();
});
afterAll(() => graph.close());

const textOf = (call: GraphCall) =>
  String((call.body?.['text'] as { body?: unknown } | undefined)?.body ?? '');

describe('cloud mode through the delivery engine', () => {
  it('shows typing against the user message, a progress line for a long task, then the answer in WhatsApp format', async () => {
    const adapter = createCloudAdapter({
      settings: {
        token: graph.token,
        phoneNumberId: graph.phoneNumberId,
        appSecret: 's',
        verifyToken: 'v',
        graphUrl: graph.url,
        template: undefined,
        progressMs: 400,
      },
      logger: createLogger({ level: 'silent' }),
      mayUse: () => true,
    });
    graph.userWrote(WAID);
    const engine = createDeliveryEngine({ adapterFor: () => adapter });
    engine.open('r1', {
      platform: 'whatsapp',
      data: { mode: 'cloud', waId: WAID, messageId: 'wamid.in', wroteAt: Date.now() },
    });
    await engine.accept('r1', { type: 'status', text: 'searching the web' });
    await new Promise((resolve) => setTimeout(resolve, 700));
    await engine.accept('r1', { type: 'reply-end', text: '**Done**, see *below*.', meta: {} });
    await engine.settled('r1');
    await engine.close();

    const mine = graph.calls.filter((call) => call.to === WAID || call.body?.['message_id'] === 'wamid.in');
    expect(mine[0]).toMatchObject({ kind: 'typing', status: 200 });
    const texts = mine.filter((call) => call.kind === 'text').map(textOf);
    expect(texts.at(-1)).toBe('*Done*, see _below_.');
    expect(texts.length).toBeGreaterThanOrEqual(2);
    for (const progress of texts.slice(0, -1)) expect(progress).toBe('_searching the web_');
  });
});
