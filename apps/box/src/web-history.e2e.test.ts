import { readParts } from '@switchboard/adapter-web';
import { createLogger, loadConfig } from '@switchboard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';
import { rawRequest } from './http/test-upload';

const TOKEN = 'history-test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

async function ask(box: Box, conversation: string, text: string): Promise<void> {
  const response = await fetch(`${box.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ conversation, text }),
  });
  expect(response.status).toBe(200);
  if (response.body) for await (const _part of readParts(response.body));
}

const turns = async (box: Box, path: string, headers: Record<string, string> = auth) => {
  const response = await fetch(`${box.url}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("a web conversation's earlier turns, for the page to show again", () => {
  let openai: FakeOpenAI;
  let box: Box;

  beforeAll(async () => {
    openai = await startFakeOpenAI({ defaultBehaviour: { type: 'echo' } });
    const env = {
      SWITCHBOARD_DATA_DIR: 'memory://',
      SWITCHBOARD_TOOLS: 'off',
      SWITCHBOARD_API_TOKEN: TOKEN,
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODELS: 'fake-model',
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

  it('lists the questions and answers of that conversation only, oldest first, newest ones by limit', async () => {
    await ask(box, 'notes', 'first question');
    await ask(box, 'notes', 'second question');
    await ask(box, 'other', 'not in notes');
    const all = await turns(box, '/api/conversations/notes/messages');
    expect(all.status).toBe(200);
    const messages = all.body['messages'] as { role: string; text: string; at: string; taskId: string }[];
    expect(all.body['conversation']).toBe('notes');
    expect(messages.map((message) => [message.role, message.text.includes('question')])).toEqual([
      ['user', true],
      ['assistant', true],
      ['user', true],
      ['assistant', true],
    ]);
    expect(messages[0]?.text).toBe('first question');
    expect(messages[2]?.text).toBe('second question');
    expect(Date.parse(messages[0]?.at ?? '')).toBeLessThanOrEqual(Date.parse(messages[3]?.at ?? ''));
    const last = await turns(box, '/api/conversations/notes/messages?limit=1');
    expect((last.body['messages'] as unknown[]).length).toBe(1);
    expect((await turns(box, '/api/conversations/empty/messages')).body['messages']).toEqual([]);
  });

  it('refuses strangers, foreign hosts and bad names or limits', async () => {
    expect((await turns(box, '/api/conversations/notes/messages', {})).status).toBe(401);
    expect((await turns(box, '/api/conversations/..%2Fetc/messages')).status).toBe(400);
    expect((await turns(box, '/api/conversations/notes/messages?limit=0')).status).toBe(400);
    expect((await turns(box, '/api/conversations/notes/messages?limit=201')).status).toBe(400);
    const rebinding = await rawRequest(`${box.url}/api/conversations/notes/messages`, {
      method: 'GET',
      headers: { host: 'attacker.example', ...auth },
    });
    expect(rebinding.status).toBe(403);
    expect(rebinding.body).not.toContain('question');
  });
});
