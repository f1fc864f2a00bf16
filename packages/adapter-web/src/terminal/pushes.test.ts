import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { type FakeBox, startFakeBox } from '@switchboard/testkit/fake-box';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Asides } from './asides';
import { createBoxClient } from './client';
import { listenForPushes, type PushedAnswer } from './pushes';

const TOKEN = 'a-token-of-at-least-16-characters';
let box: FakeBox | undefined;

afterEach(async () => {
  await box?.close();
  box = undefined;
});

/** Listen to `home` on `url` as the terminal chat does, collecting the answers. */
function listenHome(url: string, apiToken: string | undefined, retryMs?: number) {
  const answers: PushedAnswer[] = [];
  const stop = new AbortController();
  const done = listenForPushes({
    client: createBoxClient({ url, apiToken }),
    conversation: 'home',
    signal: stop.signal,
    onAnswer: (answer) => answers.push(answer),
    ...(retryMs === undefined ? {} : { retryMs }),
  });
  return { answers, stop, done };
}

describe('listening to pushed answers', () => {
  it('hands over each pushed answer whole, for its own conversation only, and stops on abort', async () => {
    box = await startFakeBox({ apiToken: TOKEN });
    const { answers, stop, done } = listenHome(box.url, TOKEN);
    await vi.waitFor(() => expect(box?.listeners('home')).toBe(1), { timeout: 10_000 });
    expect(box.messages).toEqual([]);
    box.push('home', 'r1', { type: 'status', text: 'thinking…' });
    box.push('home', 'r1', { type: 'text-delta', delta: 'It is ' });
    box.push('work', 'r2', { type: 'reply-end', text: 'not for home', meta: {} });
    box.push('home', 'r1', { type: 'reply-end', text: 'It is time.', meta: { model: 'openai:m' } });
    box.push('home', 'r3', { type: 'error', code: 'model_unavailable', message: 'The model is down.' });
    await vi.waitFor(() => expect(answers).toHaveLength(2), { timeout: 10_000 });
    expect(answers).toEqual([
      { kind: 'reply', text: 'It is time.', meta: { model: 'openai:m' } },
      { kind: 'error', message: 'The model is down.' },
    ]);
    stop.abort();
    await done;
    await vi.waitFor(() => expect(box?.listeners('home')).toBe(0), { timeout: 10_000 });
  });

  it('listens again after the box restarts on the same port', async () => {
    box = await startFakeBox();
    const port = box.port;
    const { answers, stop, done } = listenHome(box.url, undefined, 50);
    await vi.waitFor(() => expect(box?.listeners('home')).toBe(1), { timeout: 10_000 });
    await box.close();
    box = await startFakeBox({ port });
    await vi.waitFor(() => expect(box?.listeners('home')).toBe(1), { timeout: 10_000 });
    box.push('home', 'r1', { type: 'reply-end', text: 'back again', meta: {} });
    await vi.waitFor(() => expect(answers).toEqual([{ kind: 'reply', text: 'back again', meta: {} }]), {
      timeout: 10_000,
    });
    stop.abort();
    await done;
  });

  it('stops quietly on a box without the event stream', async () => {
    box = await startFakeBox({ events: 'missing' });
    const client = createBoxClient({ url: box.url, apiToken: undefined });
    const stop = new AbortController();
    await listenForPushes({ client, conversation: 'home', signal: stop.signal, onAnswer: () => {} });
    expect(stop.signal.aborted).toBe(false);
  });
});

describe('asides', () => {
  const collect = () => {
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    return { output, text: () => text };
  };

  it('holds text while an answer streams and prints it when the answer ends', () => {
    const { output, text } = collect();
    const asides = new Asides(output);
    asides.busy();
    asides.show('pushed\n');
    output.write('answer streaming\n');
    expect(text()).toBe('answer streaming\n');
    asides.idle();
    expect(text()).toBe('answer streaming\npushed\n');
  });

  it('prints above the prompt and draws the prompt again with what was typed', () => {
    const { output, text } = collect();
    const input = new PassThrough();
    const editor = createInterface({ input, output, terminal: true, prompt: 'you › ' });
    const asides = new Asides(output);
    const detach = asides.attach(editor);
    editor.prompt();
    input.write('hel');
    asides.show('pushed\n');
    const screen = text();
    expect(screen.indexOf('pushed\n')).toBeGreaterThan(screen.indexOf('hel'));
    expect(screen.slice(screen.indexOf('pushed\n'))).toContain('you › hel');
    detach();
    editor.close();
    asides.show('after\n');
    expect(text().endsWith('after\n')).toBe(true);
  });
});
