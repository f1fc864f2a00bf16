/**
 * Pipeline overhead on Telegram: the time from an update being available at the fake Bot API to the
 * bot's first reply reaching it, through the whole box (instant fake model, PGlite in memory) versus a
 * bare telegraf echo bot on the same fake — the floor any telegraf bot pays. Both long-poll; the fake
 * runs in its own process and takes every time itself; each request comes from its own private chat,
 * one at a time.
 *
 *   pnpm tsx bench/telegram-latency.ts [requests=200]
 *
 * "first reply": the first sendMessage, sendMessageDraft or editMessageText to the chat (the box's is
 * its "Thinking…" draft, sent as the update is handed to the bus). "answer": the first call carrying the
 * answer's text (the echo bot's only message; the box's after the agent, the database and the model).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startBox } from '../apps/box/src/box';
import { Telegraf } from '../packages/adapter-telegram/src/index';
import { createLogger, loadConfig } from '../packages/core/src/index';
import { startFakeOpenAI } from '../packages/testkit/src/fake-openai/index';
import type { FakeCommand, FakeEvent } from './telegram-fake-process';

const REQUESTS = Number(process.argv[2] ?? 200);
const WARMUP = 20;
const ANSWER = 'pong';
/** Pause between requests, so each one meets an idle bot (as independent users would). */
const GAP_MS = 50;

interface Sample {
  readonly firstReplyMs: number;
  readonly answerMs: number;
}

/** The fake Bot API in a child process. */
class FakeProcess {
  readonly #child: ChildProcess;
  #waiting: ((event: FakeEvent) => void) | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (event: FakeEvent) => this.#waiting?.(event));
  }

  static async start(): Promise<{ fake: FakeProcess; url: string; token: string }> {
    const script = fileURLToPath(new URL('./telegram-fake-process.ts', import.meta.url));
    const node = [process.execPath, '--import', 'tsx', script];
    const [command, ...args] = PINNED ? ['taskset', '-c', '1', ...node] : node;
    const child = spawn(command ?? process.execPath, args, {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    });
    const fake = new FakeProcess(child);
    const ready = await fake.#next();
    if (ready.type !== 'ready') throw new Error('the fake Bot API did not start');
    return { fake, url: ready.url, token: ready.token };
  }

  #next(): Promise<FakeEvent> {
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  async measure(chatId: number, text: string, answer: string): Promise<Sample> {
    const next = this.#next();
    this.#child.send({ type: 'measure', chatId, text, answer } satisfies FakeCommand);
    const event = await next;
    if (event.type !== 'measured')
      throw new Error(event.type === 'failed' ? event.message : 'unexpected message');
    return event;
  }

  close(): void {
    this.#child.send({ type: 'close' } satisfies FakeCommand);
  }
}

/** The echo bot: telegraf's polling, one handler that answers with the text it got. */
async function startEchoBot(url: string, token: string): Promise<() => void> {
  const bot = new Telegraf(token, { telegram: { apiRoot: url, webhookReply: false } });
  bot.on('message', async (context) => {
    const message = context.message as { text?: string };
    await context.reply(message.text ?? '');
  });
  void bot.launch();
  return () => bot.stop('bench done');
}

/** The whole box: PGlite in memory, an instant fake model, Telegram by long polling. */
async function startWholeBox(url: string, token: string): Promise<() => Promise<void>> {
  const openai = await startFakeOpenAI({
    defaultBehaviour: { type: 'text', text: ANSWER, chunkSize: 100, delayMs: 0 },
  });
  const users = Array.from({ length: WARMUP + REQUESTS }, (_, index) => 20_000 + index).join(',');
  const config = loadConfig({
    env: {
      SWITCHBOARD_DATA_DIR: 'memory://',
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODELS: 'instant',
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: url,
      TELEGRAM_ALLOWED_USERS: users,
    },
    file: false,
  });
  const box = await startBox(config, { port: 0, logger: createLogger({ level: 'silent' }) });
  return async () => {
    await box.stop();
    await openai.close();
  };
}

/**
 * Both bots run side by side, each on its own fake; requests alternate between them (echo, box, echo,
 * …) so that both see the same background load on a shared machine.
 */
async function runBoth(): Promise<{ echo: Sample[]; box: Sample[] }> {
  const echoFake = await FakeProcess.start();
  const boxFake = await FakeProcess.start();
  const stopEcho = await startEchoBot(echoFake.url, echoFake.token);
  const stopBox = await startWholeBox(boxFake.url, boxFake.token);
  const echo: Sample[] = [];
  const box: Sample[] = [];
  try {
    for (let index = 0; index < WARMUP + REQUESTS; index += 1) {
      const text = `ping ${index}`;
      const echoSample = await echoFake.fake.measure(10_000 + index, text, text);
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
      const boxSample = await boxFake.fake.measure(20_000 + index, text, ANSWER);
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
      if (index >= WARMUP) {
        echo.push(echoSample);
        box.push(boxSample);
      }
    }
  } finally {
    stopEcho();
    await stopBox();
    echoFake.fake.close();
    boxFake.fake.close();
  }
  process.stdout.write(`${REQUESTS} requests each (after ${WARMUP} warm-up), alternating\n`);
  return { echo, box };
}

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
};

function report(echo: readonly Sample[], box: readonly Sample[]): void {
  const rows = [
    ['first reply', (sample: Sample) => sample.firstReplyMs],
    ['answer', (sample: Sample) => sample.answerMs],
  ] as const;
  const cell = (value: number) => value.toFixed(2).padStart(9);
  const ratio = (a: number, b: number) => `${(b / a).toFixed(2)}×`.padStart(8);
  process.stdout.write(
    `\n${'ms'.padEnd(12)}${'echo p50'.padStart(9)}${'box p50'.padStart(9)}${'ratio'.padStart(8)}${'echo p99'.padStart(9)}${'box p99'.padStart(9)}${'ratio'.padStart(8)}\n`,
  );
  for (const [label, pick] of rows) {
    const [e50, b50, e99, b99] = [
      percentile(echo.map(pick), 50),
      percentile(box.map(pick), 50),
      percentile(echo.map(pick), 99),
      percentile(box.map(pick), 99),
    ];
    process.stdout.write(
      `${label.padEnd(12)}${cell(e50)}${cell(b50)}${ratio(e50, b50)}${cell(e99)}${cell(b99)}${ratio(e99, b99)}\n`,
    );
  }
  process.stdout.write('target: box first reply ≤ 1.2× the echo bot at p50\n');
}

/**
 * On a machine with two or more CPUs, the bots run on CPU 0 and the fake on CPU 1 (Linux `taskset`), so
 * the box's own work after its first reply (database writes, the model call) cannot delay the fake in
 * reading that reply — real Telegram does not share our CPU. Without taskset, everything floats.
 */
function pin(): boolean {
  if (availableParallelism() < 2 || process.env['BENCH_NO_PIN'] === '1') return false;
  try {
    execFileSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const PINNED = pin();
process.stdout.write(
  PINNED ? 'bots pinned to CPU 0, fake Bot API to CPU 1\n' : 'not pinned (no taskset or one CPU)\n',
);
const { echo, box } = await runBoth();
report(echo, box);
process.exit(0);
