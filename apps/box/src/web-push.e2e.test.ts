import { type PushedPart, readEvents, readParts } from '@switchboard/adapter-web';
import { createLogger, loadConfig, type ReplyPart } from '@switchboard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';
import { rawRequest } from './http/test-upload';

const silent = createLogger({ level: 'silent' });

/** Ask over the web API and read the whole answer. */
async function ask(box: Box, conversation: string, text: string): Promise<ReplyPart[]> {
  const response = await fetch(`${box.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversation, text }),
  });
  expect(response.status).toBe(200);
  const parts: ReplyPart[] = [];
  if (response.body) for await (const part of readParts(response.body)) parts.push(part);
  return parts;
}

describe('a schedule made in the web chat pushes its runs to the pages listening to the conversation', () => {
  let openai: FakeOpenAI;
  let box: Box;

  beforeAll(async () => {
    openai = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'Time to stretch!' } });
    const env = {
      SWITCHBOARD_DATA_DIR: 'memory://',
      SWITCHBOARD_TOOLS: 'off',
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODELS: 'fake-model',
      SCHEDULE_TICK_SECONDS: '1',
    };
    box = await startBox(loadConfig({ env, file: false }), { port: 0, logger: silent });
  });
  afterAll(async () => {
    await box?.stop();
    await openai?.close();
  });

  it('/schedule in 1s: the run’s answer reaches the listener of that conversation only, once', async () => {
    const listening = await fetch(`${box.url}/api/conversations/home/events`);
    const elsewhere = await fetch(`${box.url}/api/conversations/work/events`);
    expect(listening.status).toBe(200);
    expect(listening.headers.get('content-type')).toContain('text/event-stream');
    const confirmation = await ask(box, 'home', '/schedule in 1s remind me to stretch');
    expect(confirmation.at(-1)).toMatchObject({
      type: 'reply-end',
      text: expect.stringMatching(/^Scheduled /),
    });

    const pushed: PushedPart[] = [];
    if (listening.body === null) throw new Error('no body');
    for await (const event of readEvents<PushedPart>(listening.body)) {
      pushed.push(event);
      if (event.part.type === 'reply-end' || event.part.type === 'error') break;
    }
    expect(pushed.at(-1)?.part).toMatchObject({ type: 'reply-end', text: 'Time to stretch!' });
    expect(new Set(pushed.map((event) => event.requestId)).size).toBe(1);
    expect(pushed.filter((event) => event.part.type === 'reply-end')).toHaveLength(1);

    if (elsewhere.body === null) throw new Error('no body');
    const otherEvents = readEvents<PushedPart>(elsewhere.body);
    const timeout = new Promise<'nothing'>((resolve) => setTimeout(() => resolve('nothing'), 500));
    expect(await Promise.race([otherEvents.next(), timeout])).toBe('nothing');
    await elsewhere.body.cancel().catch(() => {});
  }, 30_000);

  it('refuses a listener under a foreign Host (DNS rebinding) and a bad conversation name', async () => {
    const bad = await fetch(`${box.url}/api/conversations/..%2Fetc/events`);
    expect(bad.status).toBe(400);
    const rebinding = await rawRequest(`${box.url}/api/conversations/home/events`, {
      method: 'GET',
      headers: { host: 'attacker.example' },
    });
    expect(rebinding.status).toBe(403);
  });

  it('ends the open listeners when the box stops, so the stop does not wait for them', async () => {
    const listening = await fetch(`${box.url}/api/conversations/home/events`);
    if (listening.body === null) throw new Error('no body');
    const events = readEvents<PushedPart>(listening.body);
    const ended = events.next();
    const report = await box.stop({ graceMs: 5000 });
    expect(report).toMatchObject({ drained: true, abandoned: [] });
    expect(await ended).toEqual({ done: true, value: undefined });
  });
});
