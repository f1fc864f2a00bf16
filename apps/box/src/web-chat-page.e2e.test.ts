/**
 * The web chat page in a real headless Chromium (Debian's `chromium`, as `.ci/run` installs it), against
 * the whole box: an answer streams into the page, and a schedule's run appears in it on its own.
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
});
