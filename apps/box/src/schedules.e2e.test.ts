import { conversationKey, createLogger, loadConfig } from '@switchboard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { type FakeTelegram, startFakeTelegram, type TgMessage } from '@switchboard/testkit/fake-telegram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';

const silent = createLogger({ level: 'silent' });
const ALICE = 42;

/** The bot's message in `chat` whose text matches. */
async function botMessage(fake: FakeTelegram, chat: number, match: (text: string) => boolean) {
  const call = await fake.waitFor(
    (candidate) =>
      candidate.ok === true &&
      Number(candidate.params['chat_id']) === chat &&
      (candidate.method === 'sendMessage' || candidate.method === 'editMessageText') &&
      match((candidate.result as TgMessage).text ?? ''),
    15_000,
  );
  return call.result as TgMessage;
}

describe('a schedule made in Telegram posts its run into the same chat, through the whole box', () => {
  let fake: FakeTelegram;
  let openai: FakeOpenAI;
  let box: Box;

  beforeAll(async () => {
    fake = await startFakeTelegram();
    openai = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'Time to stretch!' } });
    const env = {
      SWITCHBOARD_DATA_DIR: 'memory://',
      SWITCHBOARD_TOOLS: 'off',
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODELS: 'fake-model',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_ALLOWED_USERS: String(ALICE),
      SCHEDULE_TICK_SECONDS: '1',
    };
    box = await startBox(loadConfig({ env, file: false }), { port: 0, logger: silent });
  });
  afterAll(async () => {
    await box?.stop();
    await openai?.close();
    await fake?.close();
  });

  it('/schedule in 1s fires once and the answer arrives in the chat that asked', async () => {
    const alice = fake.user(ALICE, 'Alice', 'alice');
    fake.sendText({ from: alice, text: '/schedule in 1s remind me to stretch' });
    const confirmation = await botMessage(fake, ALICE, (text) => text.startsWith('Scheduled '));
    const id = /^Scheduled ([0-9a-f]{8})/.exec(confirmation.text ?? '')?.[1] ?? '';
    const answer = await botMessage(fake, ALICE, (text) => text === 'Time to stretch!');
    expect(answer.chat.id).toBe(ALICE);
    const key = conversationKey({
      platform: 'telegram',
      account: String(fake.bot.id),
      channel: String(ALICE),
      direct: true,
    });
    const tasks = await box.store.listTasks(key, 10, 'ask');
    const runs = tasks.filter((task) => task.eventId.startsWith(`schedule:${id}:`));
    expect(runs).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    const prompts = openai.requests.filter((request) =>
      (JSON.stringify(request.body) ?? '').includes('remind me to stretch'),
    );
    expect(prompts).toHaveLength(1);
    const [schedule] = await box.store.listSchedules(key);
    expect(schedule).toMatchObject({ id, runs: 1, nextRunAt: undefined });
  }, 30_000);
});
