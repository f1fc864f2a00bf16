import { createLogger, loadConfig } from '@switchboard/core';
import { type FakeOpenAI, type RecordedRequest, startFakeOpenAI } from '@switchboard/testkit/fake-openai';
import { type FakeSlack, messageEvent, slackTs, startFakeSlack } from '@switchboard/testkit/fake-slack';
import { type FakeTelegram, startFakeTelegram, type TgMessage } from '@switchboard/testkit/fake-telegram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Box, startBox } from './box';

const silent = createLogger({ level: 'silent' });
const ALICE = 42;
const FACT = 'my locker code is 4711';
const QUESTION = 'what is my locker code?';

type Message = { role: string; content: string };
const messagesOf = (request: RecordedRequest) =>
  (request.body as { messages?: Message[] } | undefined)?.messages ?? [];
/** The chat request the fake model got for `question` from one conversation, the latest first. */
const requestFor = (openai: FakeOpenAI, question: string) =>
  openai.requests
    .filter((request) => request.path.endsWith('/chat/completions'))
    .filter((request) => messagesOf(request).at(-1)?.content === question)
    .at(-1);

describe('a fact told on Telegram is recalled in a linked Slack conversation (whole box, fakes)', () => {
  let telegram: FakeTelegram;
  let slack: FakeSlack;
  let openai: FakeOpenAI;
  let box: Box;

  /** The bot's final text in Alice's Telegram chat that `match` accepts. */
  const telegramReply = async (match: (text: string) => boolean) => {
    const call = await telegram.waitFor(
      (candidate) =>
        candidate.ok === true &&
        Number(candidate.params['chat_id']) === ALICE &&
        (candidate.method === 'sendMessage' || candidate.method === 'editMessageText') &&
        match((candidate.result as TgMessage).text ?? ''),
      15_000,
    );
    return (call.result as TgMessage).text ?? '';
  };
  /** Say `text` in a Slack DM as `user` and wait for the box's finished reply in its thread. */
  const slackSay = async (user: string, channel: string, text: string, match: (reply: string) => boolean) => {
    const ts = slackTs();
    const delivered = await slack.deliver(
      `${box.url}/slack/events`,
      messageEvent({ text, user, channel, ts }),
    );
    expect(delivered.status).toBe(200);
    const reply = await slack.waitForMessage(
      (message) =>
        message.channel === channel &&
        message.threadTs === ts &&
        message.stream !== 'streaming' &&
        match(message.text),
      15_000,
    );
    return reply.text;
  };

  beforeAll(async () => {
    telegram = await startFakeTelegram();
    slack = await startFakeSlack();
    openai = await startFakeOpenAI({ defaultBehaviour: { type: 'text', text: 'An answer.' } });
    const env = {
      SWITCHBOARD_DATA_DIR: 'memory://',
      SWITCHBOARD_TOOLS: 'off',
      OPENAI_BASE_URL: openai.url,
      OPENAI_MODELS: 'fake-model',
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_ALLOWED_USERS: String(ALICE),
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_ALLOWED_USERS: 'U0ALICE,U0BOB',
    };
    box = await startBox(loadConfig({ env, file: false }), { port: 0, logger: silent });
  });
  afterAll(async () => {
    await box?.stop();
    await openai?.close();
    await slack?.close();
    await telegram?.close();
  });

  it('remembers on Telegram, links with /link and /link <code>, and the Slack prompt carries the memory', async () => {
    const alice = telegram.user(ALICE, 'Alice', 'alice');
    telegram.sendText({ from: alice, text: `/remember ${FACT}` });
    expect(await telegramReply((text) => text.startsWith('Remembered'))).toContain('/forget');

    // Before linking, Slack-Alice is another person: nothing of Telegram-Alice's reaches her prompt.
    await slackSay('U0ALICE', 'D0ALICE', QUESTION, (text) => text === 'An answer.');
    const unlinked = requestFor(openai, QUESTION);
    expect(JSON.stringify(unlinked?.body)).not.toContain('4711');

    telegram.sendText({ from: alice, text: '/link' });
    const shown = await telegramReply((text) => text.startsWith('Your link code is'));
    const code = /Your link code is (\S+)\./.exec(shown)?.[1] ?? '';
    expect(code).toMatch(/^[A-Z0-9]{6}$/);
    const linked = await slackSay('U0ALICE', 'D0ALICE', `/link ${code}`, (text) => text.startsWith('Linked'));
    expect(linked).toContain('slack:U0ALICE');
    expect(linked).toContain(`telegram:${ALICE}`);

    const before = openai.requests.length;
    await slackSay('U0ALICE', 'D0ALICE', QUESTION, (text) => text === 'An answer.');
    const asked = requestFor(openai, QUESTION);
    expect(openai.requests.indexOf(asked as RecordedRequest)).toBeGreaterThanOrEqual(before);
    const system = messagesOf(asked as RecordedRequest)
      .filter((message) => message.role === 'system')
      .map((message) => message.content)
      .join('\n');
    expect(system).toMatch(new RegExp(`\\(\\d{4}-\\d{2}-\\d{2}\\) ${FACT}`));

    // Another person on the same Slack never gets it.
    await slackSay('U0BOB', 'D0BOB', QUESTION, (text) => text === 'An answer.');
    expect(JSON.stringify(requestFor(openai, QUESTION)?.body)).not.toContain('4711');
  });
});
