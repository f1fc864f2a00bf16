import { createServer } from 'node:net';
import { PlatformError } from '@switchboard/core';
import { startFakeTelegram } from '@switchboard/testkit/fake-telegram';
import { describe, expect, it } from 'vitest';
import { createTelegramAdapter } from './adapter';
import { toAddress } from './address';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 9));
    });
  });
}

describe('Telegram failures', () => {
  it('refuses to start with a token Telegram rejects, saying which variable to fix', async () => {
    const fake = await startFakeTelegram();
    try {
      const adapter = createTelegramAdapter({ botToken: '999:not-the-token', apiRoot: fake.url });
      const started = adapter.start(async () => ({ status: 'accepted' }), new AbortController().signal);
      await expect(started).rejects.toThrow('Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN');
      await adapter.stop();
    } finally {
      await fake.close();
    }
  });

  it('maps a 429 to a PlatformError with retryAfterMs, and never puts the token in an error', async () => {
    const fake = await startFakeTelegram();
    const chat = fake.privateChat(fake.user(5));
    const adapter = createTelegramAdapter({ botToken: fake.token, apiRoot: fake.url });
    const to = toAddress({ chatId: chat.id, chatType: 'private' });
    try {
      fake.rateLimit('sendMessage', { retryAfter: 7 });
      const limited = await adapter.post(to, { text: 'hi', final: true }).catch((error: unknown) => error);
      expect(PlatformError.isInstance(limited)).toBe(true);
      expect(limited).toMatchObject({
        code: 'rate_limited',
        method: 'sendMessage',
        retryAfterMs: 7000,
        retryable: true,
      });
    } finally {
      await adapter.stop();
      await fake.close();
    }
    const token = '123456:SECRET-token-value';
    const offline = createTelegramAdapter({
      botToken: token,
      apiRoot: `http://127.0.0.1:${await closedPort()}`,
    });
    const failure = await offline.post(to, { text: 'hi', final: true }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'unavailable', retryable: true });
    expect(String((failure as Error).message)).not.toContain('SECRET');
    await offline.stop();
  });

  it('treats "message is not modified" as done', async () => {
    const fake = await startFakeTelegram();
    const chat = fake.privateChat(fake.user(6));
    const adapter = createTelegramAdapter({ botToken: fake.token, apiRoot: fake.url, editIntervalMs: 0 });
    try {
      const sent = await adapter.post(toAddress({ chatId: chat.id, chatType: 'private' }), {
        text: 'same',
        final: false,
      });
      await adapter.edit(sent, { text: 'same', final: true });
      expect(fake.callsTo('editMessageText').map((call) => call.description)).toEqual([
        expect.stringMatching(/message is not modified/),
      ]);
    } finally {
      await adapter.stop();
      await fake.close();
    }
  });
});
