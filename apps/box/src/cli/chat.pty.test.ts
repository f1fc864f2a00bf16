import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ReplyPart } from '@switchboard/core';
import { type FakeBox, startFakeBox } from '@switchboard/testkit/fake-box';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { type PtyProcess, spawnInPty } from '@switchboard/testkit/terminal';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// `switchboard chat` driven as a person would: in a pseudo-terminal, keys typed, the screen read back
// through a terminal emulator.

const main = fileURLToPath(new URL('../main.ts', import.meta.url));
const tsx = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href;
const TOKEN = 'terminal-test-token-0123456789';
const PROMPT = /^you ›$/;
const TIMEOUT = 60_000;

let dir: string;
let chat: PtyProcess | undefined;
let box: FakeBox | undefined;
let openai: FakeOpenAI | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-chat-'));
});

afterEach(async () => {
  chat?.kill();
  chat = undefined;
  await box?.close();
  box = undefined;
  await openai?.close();
  openai = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function baseEnv(): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '', HOME: dir, TERM: 'xterm-256color', LANG: 'C.UTF-8' };
}

function startChat(env: Record<string, string>): PtyProcess {
  return spawnInPty({
    command: process.execPath,
    args: ['--import', tsx, main, 'chat'],
    env: { ...baseEnv(), ...env },
    cwd: dir,
  });
}

/** A port nothing listens on (so the chat finds no box there). */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The screen ends with an empty prompt. */
const atPrompt = (screen: string) => PROMPT.test(screen.split('\n').at(-1) ?? '');

/** An empty prompt is back on the last line, and `marker` was shown since the prompt before it. */
const promptAfter = (marker: string) => (screen: string) => {
  const lines = screen.split('\n');
  if (!PROMPT.test(lines.at(-1) ?? '')) return false;
  const before = lines.slice(0, -1);
  const previous = before.findLastIndex((line) => line.startsWith('you › '));
  return before.slice(previous + 1).some((line) => line.includes(marker));
};

function slowWords(count: number): ReplyPart[] {
  return Array.from({ length: count }, (_, index) => ({ type: 'text-delta', delta: `word${index + 1} ` }));
}

const MARKDOWN = '# Result\n\nSome **bold** words and `code`.\n\n- one\n- two\n\nThe end.';

describe('switchboard chat in a terminal', () => {
  it(
    'starts a private box with its log in a file, shows a prompt, streams and renders markdown, stops a slow answer on Ctrl+C and quits on Ctrl+D',
    async () => {
      openai = await startFakeOpenAI({
        defaultBehaviour: { type: 'text', text: MARKDOWN, chunkSize: 6, delayMs: 5 },
      });
      const port = await unusedPort();
      chat = startChat({
        PORT: String(port),
        SWITCHBOARD_DATA_DIR: join(dir, 'data'),
        XDG_STATE_HOME: join(dir, 'state'),
        OPENAI_BASE_URL: openai.url,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_MODELS: 'fake-model',
        SWITCHBOARD_DEFAULT_MODEL: 'openai:fake-model',
        LOG_LEVEL: 'info',
      });
      const first = await chat.waitFor(atPrompt, TIMEOUT);
      const logFile = join(dir, 'state', 'switchboard', 'chat-box.log');
      expect(first.split('\n')[0]).toMatch(
        /^Started a private box for this chat at http:\/\/127\.0\.0\.1:\d+; it stops when you quit\.$/,
      );
      expect(first).toContain(`no box answered at http://127.0.0.1:${port}`);
      expect(first).toContain(`data: ${join(dir, 'data')}`);
      expect(first).toContain(`log:  ${logFile}`);

      chat.type('Tell me in markdown\r');
      const answered = await chat.waitFor(/openai:fake-model · .* tokens/, TIMEOUT);
      expect(answered).toContain('Some bold words and code.');
      expect(answered).toMatch(/^\s+\S+ one$/m);
      expect(answered).not.toContain('**');
      expect(answered).not.toContain('# Result');
      expect(openai.requests.at(-1)?.body).toMatchObject({
        messages: expect.arrayContaining([{ role: 'user', content: 'Tell me in markdown' }]),
      });

      const slow = Array.from({ length: 100 }, (_, index) => `word${index + 1}`).join(' ');
      openai.enqueue({ type: 'text', text: slow, chunkSize: 7, delayMs: 50 });
      chat.type('Count slowly\r');
      await chat.waitFor(/word3/, TIMEOUT);
      chat.type('\u0003');
      const cancelled = await chat.waitFor(promptAfter('(cancelled)'), TIMEOUT);
      expect(cancelled).toContain('(cancelled)');
      await vi.waitFor(() => expect(openai?.requests.at(-1)?.outcome).toBe('client-closed'), {
        timeout: TIMEOUT,
        interval: 100,
      });
      await chat.terminal.settled();
      expect(chat.terminal.text()).not.toContain('word100');

      chat.type('\u0004');
      expect(await chat.exited).toBe(0);
      const screen = chat.terminal.text();
      expect(screen).not.toMatch(/^\s*\{"level"/m);
      expect(chat.terminal.raw).not.toContain('"level":');
      expect(existsSync(logFile)).toBe(true);
      expect(readFileSync(logFile, 'utf8')).toContain('"msg":"switchboard started"');
    },
    TIMEOUT * 2,
  );

  it(
    "aborts the box's stream on Ctrl+C, recalls history with Up, and quits at once on Ctrl+D mid-answer",
    async () => {
      box = await startFakeBox({ apiToken: TOKEN });
      box.enqueue({ steps: slowWords(300), delayMs: 100 });
      chat = startChat({ PORT: String(box.port), SWITCHBOARD_API_TOKEN: TOKEN });
      const first = await chat.waitFor(atPrompt, TIMEOUT);
      expect(first.split('\n')[0]).toBe(`Talking to the box at http://127.0.0.1:${box.port}.`);

      chat.type('count slowly\r');
      await chat.waitFor(/word3/, TIMEOUT);
      chat.type('\u0003');
      await chat.waitFor(promptAfter('(cancelled)'), TIMEOUT);
      await vi.waitFor(() => expect(box?.messages[0]?.outcome).toBe('client-closed'), { timeout: TIMEOUT });

      chat.type('again\r');
      await chat.waitFor(promptAfter('You said: again'), TIMEOUT);
      expect(box.messages[1]?.outcome).toBe('completed');

      chat.type('\u001b[A');
      await chat.waitFor(/^you › again$/m, TIMEOUT);
      chat.type('\r');
      await vi.waitFor(() => expect(box?.messages[2]?.body).toMatchObject({ text: 'again' }), {
        timeout: TIMEOUT,
      });
      await chat.waitFor(atPrompt, TIMEOUT);

      box.enqueue({ steps: slowWords(300), delayMs: 100 });
      chat.type('one more\r');
      await chat.waitFor(/one more\n(.*\n)*.*word2/, TIMEOUT);
      chat.type('\u0004');
      expect(await chat.exited).toBe(0);
      expect(box.messages[3]?.outcome).toBe('client-closed');
      expect(new Set(box.messages.map((message) => message.headers['content-type']))).toEqual(
        new Set(['application/json']),
      );
    },
    TIMEOUT * 2,
  );

  it(
    'asks an approval and sends the choice, takes a multi-line paste as one message, and quits on Ctrl+C at an empty prompt',
    async () => {
      box = await startFakeBox();
      box.enqueue({
        steps: [
          { type: 'status', text: 'thinking on openai:fake-model…' },
          {
            type: 'approval-request',
            approvalId: 'ap-1',
            summary: 'Run `rm -rf build`?',
            choices: ['approve', 'deny'],
          },
          { type: 'await-approval' },
          { type: 'reply-end', text: 'Nothing ran.', meta: { model: 'openai:fake-model' } },
        ],
      });
      chat = startChat({ PORT: String(box.port) });
      await chat.waitFor(atPrompt, TIMEOUT);

      chat.type('clean up\r');
      const asked = await chat.waitFor(/choose ›$/, TIMEOUT);
      expect(asked).toContain('Approval needed: Run `rm -rf build`?');
      expect(asked).toContain('[1] approve  [2] deny');
      expect(asked).not.toContain('thinking on');
      chat.type('2\r');
      await chat.waitFor(promptAfter('Nothing ran.'), TIMEOUT);
      expect(box.approvals[0]).toMatchObject({ path: '/api/approvals/ap-1', body: { choice: 'deny' } });
      expect(chat.terminal.text()).toContain('Sent: deny.');

      chat.type('\u001b[200~first line\rsecond line\u001b[201~');
      chat.type('\r');
      await chat.waitFor(promptAfter('You said: first line'), TIMEOUT);
      expect(box.messages.map((message) => (message.body as { text: string }).text)).toEqual([
        'clean up',
        'first line\nsecond line',
      ]);

      chat.type('\u0003');
      expect(await chat.exited).toBe(0);
    },
    TIMEOUT * 2,
  );

  it(
    'says so when the box has no approvals API yet, and Ctrl+C at the question stops the answer',
    async () => {
      box = await startFakeBox({ approvals: 'missing' });
      box.enqueue({
        steps: [
          { type: 'approval-request', approvalId: 'ap-2', summary: 'Send the mail?', choices: ['yes', 'no'] },
          { type: 'await-approval' },
          { type: 'text-delta', delta: 'still waiting' },
        ],
      });
      chat = startChat({ PORT: String(box.port) });
      await chat.waitFor(atPrompt, TIMEOUT);
      chat.type('mail it\r');
      await chat.waitFor(/choose ›$/, TIMEOUT);
      chat.type('yes\r');
      await chat.waitFor(/Approvals are not available on this box yet\./, TIMEOUT);
      await chat.waitFor(/still waiting/, TIMEOUT);
      chat.type('\u0003');
      await chat.waitFor(promptAfter('(cancelled)'), TIMEOUT);
      await vi.waitFor(() => expect(box?.messages[0]?.outcome).toBe('client-closed'), { timeout: TIMEOUT });
      chat.type('\u0004');
      expect(await chat.exited).toBe(0);
    },
    TIMEOUT * 2,
  );
});

describe('switchboard chat opening on a conversation that has history', () => {
  it(
    'shows the last two exchanges before the prompt, the answers drawn as markdown',
    async () => {
      box = await startFakeBox({
        earlier: {
          default: [
            { role: 'user', text: 'an old question' },
            { role: 'assistant', text: 'an old answer' },
            { role: 'user', text: 'what is **two** plus two?' },
            { role: 'assistant', text: 'It is **four**.' },
          ],
          other: [{ role: 'user', text: 'not this one' }],
        },
      });
      chat = startChat({ PORT: String(box.port) });
      const screen = await chat.waitFor(atPrompt, TIMEOUT);
      const lines = screen.split('\n').map((line) => line.trimEnd());
      const start = lines.indexOf('── earlier in this conversation ──');
      expect(start).toBeGreaterThan(0);
      expect(lines.slice(start, start + 7).filter((line) => line !== '')).toEqual([
        '── earlier in this conversation ──',
        'you › an old question',
        'an old answer',
        'you › what is **two** plus two?',
        'It is four.',
        '── now ──',
      ]);
      expect(screen).not.toContain('not this one');
      chat.type('\u0004');
      expect(await chat.exited).toBe(0);
    },
    TIMEOUT * 2,
  );
});

describe('switchboard chat and answers pushed to its conversation', () => {
  it(
    'shows a pushed answer above the prompt with what was typed kept, and holds one that comes while an answer streams',
    async () => {
      box = await startFakeBox({ apiToken: TOKEN });
      chat = startChat({ PORT: String(box.port), SWITCHBOARD_API_TOKEN: TOKEN });
      await chat.waitFor(atPrompt, TIMEOUT);
      await vi.waitFor(() => expect(box?.listeners('default')).toBe(1), { timeout: TIMEOUT });

      chat.type('half typ');
      await chat.waitFor(/^you › half typ$/m, TIMEOUT);
      box.push('default', 'run-1', { type: 'text-delta', delta: 'The ' });
      box.push('default', 'run-1', {
        type: 'reply-end',
        text: 'The **nightly build** passed.',
        meta: { model: 'openai:fake-model' },
      });
      box.push('other', 'run-2', { type: 'reply-end', text: 'Not for this chat.', meta: {} });
      const shown = await chat.waitFor(/nightly build passed\.[\s\S]*\nyou › half typ$/, TIMEOUT);
      expect(shown).toContain('new answer in this conversation');
      expect(shown).not.toContain('**');
      expect(shown).not.toContain('Not for this chat.');
      chat.type('ed\r');
      await chat.waitFor(promptAfter('You said: half typed'), TIMEOUT);
      expect(box.messages.map((message) => (message.body as { text: string }).text)).toEqual(['half typed']);

      box.enqueue({
        steps: [...slowWords(12), { type: 'reply-end', text: 'counted to twelve', meta: {} }],
        delayMs: 60,
      });
      chat.type('count\r');
      await chat.waitFor(/word3/, TIMEOUT);
      box.push('default', 'run-3', { type: 'reply-end', text: 'Reminder: stand-up.', meta: {} });
      const after = await chat.waitFor(promptAfter('Reminder: stand-up.'), TIMEOUT);
      expect(after.indexOf('Reminder: stand-up.')).toBeGreaterThan(after.lastIndexOf('counted to twelve'));

      chat.type('\u0004');
      expect(await chat.exited).toBe(0);
      await vi.waitFor(() => expect(box?.listeners('default')).toBe(0), { timeout: TIMEOUT });
    },
    TIMEOUT * 2,
  );
  it(
    'lets go of an answer that goes on in the background, back at the prompt, and shows it when it is pushed',
    async () => {
      box = await startFakeBox({ apiToken: TOKEN });
      chat = startChat({ PORT: String(box.port), SWITCHBOARD_API_TOKEN: TOKEN });
      await chat.waitFor(atPrompt, TIMEOUT);
      await vi.waitFor(() => expect(box?.listeners('default')).toBe(1), { timeout: TIMEOUT });

      const handOff = 'working on it — task #1a2b3c4d. I will post the answer here when it is done.';
      box.enqueue({
        steps: [
          { type: 'status', text: 'thinking…' },
          { type: 'status', text: handOff, background: { taskId: '1a2b3c4d-0000' } },
          ...slowWords(300),
        ],
        delayMs: 100,
      });
      chat.type('research this\r');
      const back = await chat.waitFor(promptAfter('working on it — task #1a2b3c4d'), TIMEOUT);
      expect(back).not.toContain('(cancelled)');
      expect(back).not.toContain('closed the answer');
      await vi.waitFor(() => expect(box?.messages[0]?.outcome).toBe('client-closed'), { timeout: TIMEOUT });

      box.push('default', 'web:research', { type: 'reply-end', text: 'The research is done.', meta: {} });
      const shown = await chat.waitFor(promptAfter('The research is done.'), TIMEOUT);
      expect(shown).toContain('new answer in this conversation');

      chat.type('\u0004');
      expect(await chat.exited).toBe(0);
    },
    TIMEOUT * 2,
  );
});

describe('switchboard chat with piped input', () => {
  it(
    'answers each line in plain text, without escape sequences',
    async () => {
      box = await startFakeBox();
      const child = spawn(process.execPath, ['--import', tsx, main, 'chat'], {
        env: { ...baseEnv(), PORT: String(box.port) },
        cwd: dir,
      });
      let output = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
      });
      child.stdin.end('hello\n**second**\n');
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      expect(code).toBe(0);
      expect(output).toBe(
        `Talking to the box at http://127.0.0.1:${box.port}.\nYou said: hello\nYou said: **second**\n`,
      );
    },
    TIMEOUT,
  );
});
