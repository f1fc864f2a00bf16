import { ConfigError, loadConfig } from '@switchboard/core';
import { describe, expect, it } from 'vitest';

const load = (env: Record<string, string>) =>
  loadConfig({ env: { SWITCHBOARD_DATA_DIR: 'memory://', ...env }, file: false });

function problems(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (error) {
    if (ConfigError.isInstance(error))
      return error.issues.map((issue) => `${issue.variable}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('the Telegram configuration section', () => {
  it('is undefined without a token, long polling against the official API with one', () => {
    expect(load({}).platforms.telegram).toBeUndefined();
    expect(
      load({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_ALLOWED_USERS: '42, 43' }).platforms.telegram,
    ).toEqual({
      botToken: '1:abc',
      apiRoot: 'https://api.telegram.org',
      webhook: undefined,
      allowedUsers: ['42', '43'],
      allowedChats: [],
    });
  });

  it('reads webhook mode and a local Bot API root', () => {
    const telegram = load({
      TELEGRAM_BOT_TOKEN: '1:abc',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081',
      TELEGRAM_WEBHOOK_URL: 'https://box.example.com/telegram/webhook',
      TELEGRAM_WEBHOOK_SECRET: 'a-Secret_123',
    }).platforms.telegram;
    expect(telegram).toMatchObject({
      apiRoot: 'http://127.0.0.1:8081',
      webhook: { url: 'https://box.example.com/telegram/webhook', secret: 'a-Secret_123' },
    });
  });

  it('requires the secret with the webhook URL, checks its characters, and wants a path', () => {
    expect(
      problems({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_WEBHOOK_URL: 'https://box.example.com/hook' }),
    ).toEqual([expect.stringMatching(/^TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set/)]);
    expect(
      problems({
        TELEGRAM_BOT_TOKEN: '1:abc',
        TELEGRAM_WEBHOOK_URL: 'https://box.example.com/hook',
        TELEGRAM_WEBHOOK_SECRET: 'not allowed!',
      }),
    ).toEqual([expect.stringMatching(/^TELEGRAM_WEBHOOK_SECRET: expected 1-256 characters of A-Z/)]);
    expect(
      problems({
        TELEGRAM_BOT_TOKEN: '1:abc',
        TELEGRAM_WEBHOOK_URL: 'https://box.example.com',
        TELEGRAM_WEBHOOK_SECRET: 'ok',
      }),
    ).toEqual([expect.stringMatching(/^TELEGRAM_WEBHOOK_URL: needs a path/)]);
    expect(problems({ TELEGRAM_API_ROOT: 'ftp://nope' })).toEqual([
      expect.stringMatching(/^TELEGRAM_API_ROOT: expected an http\(s\) URL/),
    ]);
  });
});
