/**
 * The web chat page in a real headless Chromium (Debian's `chromium`, as `.ci/run` installs it), against
 * the whole box: an answer streams into the page, a schedule's run appears in it on its own, and an
 * answer's Markdown is drawn while nothing the model writes becomes markup.
 */
import { existsSync } from 'node:fs';
import { createLogger, loadConfig } from '@switchboard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';

const chromium = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromium);
if (!hasChromium)
  console.warn(
    `web-chat-page.e2e.test.ts: no Chromium at ${chromium} (set CHROMIUM_PATH), so the page's browser tests are skipped.`,
  );

/** The texts of the page's answers (agent turns, without their status and meta lines). */
const answers = (page: Page) =>
  page.$$eval('.turn.agent', (turns) =>
    turns.map((turn) => ({
      text: turn.firstElementChild?.textContent ?? '',
      pushed: turn.classList.contains('pushed'),
    })),
  );

async function send(page: Page, text: string): Promise<void> {
  await page.type('#text', text);
  await page.keyboard.press('Enter');
}

describe.skipIf(!hasChromium)('the web chat page in a browser', () => {
  let openai: FakeOpenAI;
  let box: Box;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    openai = await startFakeOpenAI({
      defaultBehaviour: { type: 'text', text: 'Time to stretch!', chunkSize: 3, delayMs: 5 },
    });
    const env = {
      SWITCHBOARD_DATA_DIR: 'memory://',
      SWITCHBOARD_TOOLS: 'off',
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODELS: 'fake-model',
      SCHEDULE_TICK_SECONDS: '1',
      TASK_FOREGROUND_SECONDS: '1',
    };
    box = await startBox(loadConfig({ env, file: false }), {
      port: 0,
      logger: createLogger({ level: 'silent' }),
    });
    browser = await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await box?.stop();
    await openai?.close();
  });

  it('streams an answer in, then shows a schedule’s run as a new answer without being asked', async () => {
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(`${box.url}/?c=home`);
    await send(page, 'hello');
    await page.waitForSelector('.turn.agent .meta', { timeout: 15_000 });
    await send(page, '/schedule in 1s remind me to stretch');
    await page.waitForSelector('.turn.agent.pushed .meta', { timeout: 15_000 });
    const shown = await answers(page);
    expect(shown.map((answer) => answer.pushed)).toEqual([false, false, true]);
    expect(shown[0]?.text).toBe('Time to stretch!');
    expect(shown[1]?.text).toMatch(/^Scheduled /);
    expect(shown[2]?.text).toBe('Time to stretch!');
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 40_000);

  it('lets go of an answer that goes on in the background, which then arrives in the same turn', async () => {
    const slow = 'Thought about it for a long while. '.repeat(3).trim();
    openai.enqueue({ type: 'text', text: slow, chunkSize: 2, delayMs: 150 });
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(`${box.url}/?c=background`);
    await send(page, 'take your time');
    await page.waitForFunction(
      "document.querySelector('.turn.agent .status')?.textContent?.startsWith('working on it')",
      { timeout: 15_000 },
    );
    await page.waitForFunction("document.querySelector('#send')?.textContent === 'Send'", { timeout: 2000 });
    await send(page, 'and meanwhile?');
    await page.waitForSelector('.turn.agent .meta', { timeout: 15_000 });
    const meanwhile = await page.$$eval('.turn.agent', (turns) =>
      turns.map((turn) => turn.querySelector('.meta') !== null),
    );
    expect(meanwhile).toEqual([false, true]);
    await page.waitForFunction("document.querySelectorAll('.turn.agent .meta').length === 2", {
      timeout: 15_000,
    });
    const shown = await answers(page);
    expect(shown).toEqual([
      { text: slow, pushed: false },
      { text: 'Time to stretch!', pushed: false },
    ]);
    expect(await page.$$eval('.turn', (all) => all.length)).toBe(4);
    const tasks = await box.store.listTasks('web:local:background:-', 10, 'ask');
    expect(tasks.map((task) => task.status)).toEqual(['succeeded', 'succeeded']);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 40_000);

  it('shows the conversation again after a reload, above what is asked next', async () => {
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(`${box.url}/?c=reload`);
    await send(page, 'remember this page');
    await page.waitForSelector('.turn.agent .meta', { timeout: 15_000 });
    await page.reload();
    await page.waitForSelector('.turn.agent.earlier', { timeout: 15_000 });
    await send(page, 'and now?');
    await page.waitForSelector('.turn.agent:not(.earlier) .meta', { timeout: 15_000 });
    const shown = await page.$$eval('.turn', (all) =>
      all.map((turn) => [turn.className.replace('turn ', ''), turn.firstElementChild?.textContent ?? '']),
    );
    expect(shown).toEqual([
      ['user earlier', 'remember this page'],
      ['agent earlier', 'Time to stretch!'],
      ['user', 'and now?'],
      ['agent', 'Time to stretch!'],
    ]);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 40_000);

  it('draws the Markdown of an answer, and what looks like HTML or a script link stays text', async () => {
    const markdown = [
      '### Plan',
      'Some **bold**, *italic*, _also italic_ and `inline code`; a snake_case_name stays as it is.',
      '',
      '- first step',
      '- second [docs](https://example.com/docs)',
      '',
      '1. one',
      '2. two',
      '',
      '> quoted',
      '',
      '```ts',
      'const x = 1 < 2 && "<b>";',
      '```',
      '',
      'Then <img src=x onerror="window.pwned=1"> and [click](javascript:alert(1)) and <script>window.pwned=2</script>.',
    ].join('\n');
    openai.enqueue({ type: 'text', text: markdown, chunkSize: 7, delayMs: 2 });
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(`${box.url}/?c=markdown`);
    await send(page, 'show me markdown');
    await page.waitForSelector('.turn.agent .meta', { timeout: 15_000 });
    const drawn = await page.$eval('.turn.agent .body', (body) => ({
      heading: body.querySelector('h3, h4, h5, h6')?.textContent,
      strong: [...body.querySelectorAll('strong')].map((node) => node.textContent),
      em: [...body.querySelectorAll('em')].map((node) => node.textContent),
      code: [...body.querySelectorAll('p code')].map((node) => node.textContent),
      bullets: [...body.querySelectorAll('ul > li')].map((node) => node.textContent),
      numbered: [...body.querySelectorAll('ol > li')].map((node) => node.textContent),
      quote: body.querySelector('blockquote')?.textContent,
      block: body.querySelector('pre > code')?.textContent,
      language: body.querySelector('pre > code')?.getAttribute('data-language'),
      links: [...body.querySelectorAll('a')].map((node) => node.getAttribute('href')),
      markup: body.querySelectorAll('img, script, b').length,
      last: body.lastElementChild?.textContent,
      pwned: (globalThis as { pwned?: number }).pwned ?? 'none',
    }));
    expect(drawn).toEqual({
      heading: 'Plan',
      strong: ['bold'],
      em: ['italic', 'also italic'],
      code: ['inline code'],
      bullets: ['first step', 'second docs'],
      numbered: ['one', 'two'],
      quote: 'quoted',
      block: 'const x = 1 < 2 && "<b>";',
      language: 'ts',
      links: ['https://example.com/docs'],
      markup: 0,
      last: 'Then <img src=x onerror="window.pwned=1"> and [click](javascript:alert(1)) and <script>window.pwned=2</script>.',
      pwned: 'none',
    });
    expect(await page.$eval('.turn.agent .body p', (node) => node.textContent)).toContain('snake_case_name');
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 40_000);
});
