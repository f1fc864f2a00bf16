/**
 * A web request that went on in the background (ADR 0040) is not stopped when its client goes: the rest
 * of its reply is pushed to the conversation (ADR 0051) and the task ends as it would have. A client that
 * goes before the hand-off still stops it (ADR 0021).
 */
import { type PushedPart, readEvents, readParts } from '@switchboard/adapter-web';
import { createLogger, loadConfig, type ReplyPart } from '@switchboard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';

const LONG_ANSWER = 'A careful answer that takes its time to write.';

const tasksOf = (box: Box, conversation: string) => box.store.listTasks(`web:local:${conversation}:-`, 10);

/** Post a question; the response, open. */
async function post(box: Box, conversation: string, text: string, signal: AbortSignal): Promise<Response> {
  const response = await fetch(`${box.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversation, text }),
    signal,
  });
  expect(response.status).toBe(200);
  return response;
}

/** Read parts until one matches; the parts read. */
async function readUntil(response: Response, done: (part: ReplyPart) => boolean): Promise<ReplyPart[]> {
  if (response.body === null) throw new Error('no body');
  const parts: ReplyPart[] = [];
  for await (const part of readParts(response.body)) {
    parts.push(part);
    if (done(part)) return parts;
  }
  throw new Error(`the reply ended first: ${JSON.stringify(parts)}`);
}

describe('a web client that goes after its request went on in the background', () => {
  let openai: FakeOpenAI;
  let box: Box;

  beforeAll(async () => {
    openai = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'quick' } });
    const env = {
      SWITCHBOARD_DATA_DIR: 'memory://',
      SWITCHBOARD_TOOLS: 'off',
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODELS: 'fake-model',
      TASK_FOREGROUND_SECONDS: '1',
    };
    box = await startBox(loadConfig({ env, file: false }), {
      port: 0,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await box?.stop();
    await openai?.close();
  });

  it('leaves the task running and pushes the rest of the answer to the conversation', async () => {
    openai.enqueue({ type: 'text', text: LONG_ANSWER, chunkSize: 2, delayMs: 100 });
    const listening = await fetch(`${box.url}/api/conversations/later/events`);
    if (listening.body === null) throw new Error('no body');
    const client = new AbortController();
    const response = await post(box, 'later', 'take your time', client.signal);
    const requestId = response.headers.get('x-request-id');
    const seen = await readUntil(response, (part) => part.type === 'status' && part.background !== undefined);
    expect(seen.at(-1)).toMatchObject({ text: expect.stringMatching(/^working on it — task #/) });
    client.abort();

    const pushed: PushedPart[] = [];
    for await (const event of readEvents<PushedPart>(listening.body)) {
      pushed.push(event);
      if (event.part.type === 'reply-end' || event.part.type === 'error') break;
    }
    expect(new Set(pushed.map((event) => event.requestId))).toEqual(new Set([requestId]));
    expect(pushed.at(-1)?.part).toMatchObject({ type: 'reply-end', text: LONG_ANSWER });
    await expect.poll(async () => (await tasksOf(box, 'later'))[0]?.status).toBe('succeeded');
    expect(openai.requests.at(-1)?.outcome).toBe('completed');
    await listening.body.cancel().catch(() => {});
  }, 30_000);

  it('still stops the task when the client goes before the hand-off', async () => {
    openai.enqueue({ type: 'stall', afterChunks: 1, text: 'This answer would go on and on.' });
    const client = new AbortController();
    const response = await post(box, 'early', 'write me a novel', client.signal);
    await readUntil(response, (part) => part.type === 'text-delta');
    client.abort();
    await expect
      .poll(async () => (await tasksOf(box, 'early'))[0]?.status, { timeout: 5000 })
      .toBe('cancelled');
  }, 30_000);
});
