import { basename } from 'node:path';
import { readParts } from '@switchboard/adapter-web';
import { createLogger, loadConfig, type ReplyPart } from '@switchboard/core';
import type { LlamaLanguageModel } from '@switchboard/provider-llama';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { testModel } from '@switchboard/testkit/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';

const CLOUD_ANSWER = 'The cloud model answers.';

/** Post a message to the web API; `onPart` sees each part as it arrives. */
async function ask(
  box: Box,
  text: string,
  onPart?: (part: ReplyPart) => void,
  conversation = 'local-model-e2e',
): Promise<ReplyPart[]> {
  const response = await fetch(`${box.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text, conversation }),
  });
  const parts: ReplyPart[] = [];
  if (response.body)
    for await (const part of readParts(response.body)) {
      parts.push(part);
      onPart?.(part);
    }
  return parts;
}

const cloudCalls = (fake: FakeOpenAI) =>
  fake.requests.filter((r) => r.path.endsWith('/chat/completions')).length;

describe('a generated local model through the whole box', () => {
  let fake: FakeOpenAI;
  let box: Box;
  let localRef: string;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: CLOUD_ANSWER } });
    const path = await testModel('chat');
    localRef = `llama:${basename(path, '.gguf')}`;
    const env = {
      SWITCHBOARD_DATA_DIR: 'memory://',
      LLAMA_MODEL_PATH: path,
      LLAMA_THREADS: '1',
      LLAMA_CONTEXT_SIZE: '2048',
      SWITCHBOARD_MAX_OUTPUT_TOKENS: '1500',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.url,
      OPENAI_MODELS: 'fake-model',
      OPENAI_LOCALITY: 'cloud',
      SWITCHBOARD_FALLBACK_MODELS: 'openai:fake-model',
      SWITCHBOARD_AUTO_ROUTING: 'off',
    };
    box = await startBox(loadConfig({ env, file: false }), {
      port: 0,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await box?.stop();
    await fake?.close();
  });

  const local = () => box.models.get(localRef) as LlamaLanguageModel;
  /** SIGKILL the local model's process (never `kill(0)`, which would signal the whole process group). */
  const killChild = () => {
    const pid = local().pid;
    if (pid === undefined || pid <= 0) throw new Error('the local model has no process');
    process.kill(pid, 'SIGKILL');
  };

  it('answers on the local model by default, streamed through the child process', async () => {
    const parts = await ask(box, '/ask say something short');
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(2);
    expect(parts.at(-1)).toMatchObject({ type: 'reply-end', meta: { model: localRef } });
    expect(local().pid).toBeGreaterThan(0);
    expect(cloudCalls(fake)).toBe(0);
  });

  it('SIGKILL of the child mid-answer: detected within 10 s, the fallback answers, the next request works', async () => {
    let killedAt = 0;
    const parts = await ask(box, '/ask talk for a long time', (part) => {
      if (part.type === 'text-delta' && killedAt === 0) {
        killedAt = Date.now();
        killChild();
      }
      if (part.type === 'status' && killedAt > 0) expect(Date.now() - killedAt).toBeLessThan(10_000);
    });
    expect(killedAt).toBeGreaterThan(0);
    const statuses = parts.flatMap((part) => (part.type === 'status' ? [part.text] : []));
    expect(statuses.join('\n')).toMatch(
      new RegExp(`${localRef} crashed; answering with openai:fake-model instead`),
    );
    expect(parts.at(-1)).toMatchObject({
      type: 'reply-end',
      text: CLOUD_ANSWER,
      meta: { model: 'openai:fake-model' },
    });

    // While the child restarts the router sends requests to the fallback; once ready, the local model answers.
    await expect.poll(() => local().health().available, { timeout: 30_000 }).toBe(true);
    const next = await ask(box, '/ask and now?');
    expect(next.at(-1)).toMatchObject({ type: 'reply-end', meta: { model: localRef } });
  });

  it('a local-only conversation makes zero cloud calls even when the local model crashes', async () => {
    expect((await ask(box, '/local on')).at(-1)).toMatchObject({ type: 'reply-end' });
    const before = cloudCalls(fake);
    let killed = false;
    const parts = await ask(box, '/ask talk for a long time', (part) => {
      if (part.type === 'text-delta' && !killed) {
        killed = true;
        killChild();
      }
    });
    expect(killed).toBe(true);
    const end = parts.at(-1);
    expect(end?.type === 'error' || end?.type === 'reply-end').toBe(true);
    if (end?.type === 'reply-end') expect(end.meta).toMatchObject({ model: localRef });
    expect(cloudCalls(fake)).toBe(before);
    const [task] = await box.store.listTasks('web:local:local-model-e2e:-', 1);
    expect(['succeeded', 'failed']).toContain(task?.status);
    await ask(box, '/local off');
  });

  it('a second conversation waits in line for the only sequence and is told so', async () => {
    await expect.poll(() => local().health().available, { timeout: 30_000 }).toBe(true);
    let started!: () => void;
    const firstStreaming = new Promise<void>((resolve) => {
      started = resolve;
    });
    const first = ask(
      box,
      '/ask talk for a long time',
      (part) => {
        if (part.type === 'text-delta') started();
      },
      'queue-a',
    );
    await firstStreaming;
    const second = await ask(box, '/ask and you?', undefined, 'queue-b');
    const statuses = second.flatMap((part) => (part.type === 'status' ? [part.text] : []));
    expect(statuses).toContain('waiting for the local model, #1 in line…');
    expect(second.at(-1)).toMatchObject({ type: 'reply-end', meta: { model: localRef } });
    expect((await first).at(-1)).toMatchObject({ type: 'reply-end', meta: { model: localRef } });
  });
});
