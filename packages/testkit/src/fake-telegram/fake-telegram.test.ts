import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseHtml, parseMarkdownV2 } from './markup';
import { startFakeTelegram } from './server';
import type { FakeTelegram, TgMessage } from './types';

let fake: FakeTelegram;

async function api<T = unknown>(method: string, params: Record<string, unknown> = {}, token = fake.token) {
  const response = await fetch(`${fake.url}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      ok: boolean;
      result: T;
      description?: string;
      parameters?: { retry_after?: number };
    },
  };
}

beforeEach(async () => {
  fake = await startFakeTelegram({ maxHoldMs: 2000 });
});
afterEach(async () => {
  await fake.close();
});

describe('the fake Telegram Bot API', () => {
  it('answers getMe and refuses a wrong token or an unknown method', async () => {
    const me = await api<{ id: number; is_bot: boolean; username: string }>('getMe');
    expect(me.body.result).toMatchObject({ id: 123456, is_bot: true, username: 'switchboard_test_bot' });
    expect((await api('getMe', {}, '999:wrong')).status).toBe(401);
    const unknown = await api('sendTelepathy');
    expect(unknown).toMatchObject({ status: 404, body: { ok: false, description: 'Not Found' } });
  });

  it('holds getUpdates until an update arrives, and forgets updates below the offset', async () => {
    const alice = fake.user(42, 'Alice');
    const held = api<{ update_id: number; message: TgMessage }[]>('getUpdates', { timeout: 30 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const update = fake.sendText({ from: alice, text: '/ask hi' });
    const first = await held;
    expect(first.body.result).toHaveLength(1);
    expect(first.body.result[0]?.message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 4 }]);
    // Not confirmed yet: asked again with the same offset, it comes again.
    const again = await api<unknown[]>('getUpdates', { offset: 0, timeout: 0 });
    expect(again.body.result).toHaveLength(1);
    const confirmed = await api<unknown[]>('getUpdates', { offset: update.update_id + 1, timeout: 0 });
    expect(confirmed.body.result).toEqual([]);
    expect(fake.confirmedOffset).toBe(update.update_id + 1);
    expect(fake.pendingCount).toBe(0);
  });

  it('ends a held poll with 409 when a second one comes, like two bot instances', async () => {
    const first = api('getUpdates', { timeout: 30 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = api('getUpdates', { timeout: 0 });
    expect((await first).status).toBe(409);
    expect((await second).status).toBe(200);
  });

  it('derives bot_command and mention entities as Telegram does', () => {
    const group = fake.group(-100, 'Team');
    const update = fake.textUpdate({
      from: fake.user(7),
      chat: group,
      text: 'hey @switchboard_test_bot /ask@switchboard_test_bot now',
    });
    expect(update.message?.entities).toEqual([
      { type: 'mention', offset: 4, length: 21 },
      { type: 'bot_command', offset: 26, length: 25 },
    ]);
  });

  it('sends, edits, and answers with the real errors', async () => {
    const chat = fake.privateChat(fake.user(5));
    const sent = await api<TgMessage>('sendMessage', {
      chat_id: chat.id,
      text: '<b>Hello</b> &amp; bye',
      parse_mode: 'HTML',
    });
    expect(sent.body.result).toMatchObject({
      text: 'Hello & bye',
      entities: [{ type: 'bold', offset: 0, length: 5 }],
    });
    const id = sent.body.result.message_id;
    const same = await api('editMessageText', {
      chat_id: chat.id,
      message_id: id,
      text: '<b>Hello</b> &amp; bye',
      parse_mode: 'HTML',
    });
    expect(same.body.description).toMatch(/^Bad Request: message is not modified/);
    const long = await api('editMessageText', { chat_id: chat.id, message_id: id, text: 'x'.repeat(4097) });
    expect(long.body.description).toBe('Bad Request: message is too long');
    const exact = await api('editMessageText', {
      chat_id: chat.id,
      message_id: id,
      text: `<i>${'y'.repeat(4096)}</i>`,
      parse_mode: 'HTML',
    });
    expect(exact.body.ok).toBe(true);
    const badHtml = await api('sendMessage', { chat_id: chat.id, text: '1 < 2', parse_mode: 'HTML' });
    expect(badHtml.body.description).toMatch(/^Bad Request: can't parse entities: Unsupported start tag/);
    const badV2 = await api('sendMessage', { chat_id: chat.id, text: 'Done.', parse_mode: 'MarkdownV2' });
    expect(badV2.body.description).toBe(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    expect(
      (await api('sendMessage', { chat_id: chat.id, text: 'Done\\.', parse_mode: 'MarkdownV2' })).body.ok,
    ).toBe(true);
    expect((await api('sendMessage', { chat_id: 777, text: 'who?' })).body.description).toBe(
      'Bad Request: chat not found',
    );
    expect((await api('sendMessage', { chat_id: chat.id, text: '   ' })).body.description).toBe(
      'Bad Request: message text is empty',
    );
    expect(fake.history(chat.id, id)).toEqual(['Hello & bye', 'y'.repeat(4096)]);
  });

  it('checks inline keyboards: callback_data at most 64 bytes', async () => {
    const chat = fake.privateChat(fake.user(6));
    const keyboard = (data: string) => ({ inline_keyboard: [[{ text: 'Go', callback_data: data }]] });
    expect(
      (await api('sendMessage', { chat_id: chat.id, text: 'ok', reply_markup: keyboard('a'.repeat(64)) }))
        .body.ok,
    ).toBe(true);
    const tooLong = await api('sendMessage', {
      chat_id: chat.id,
      text: 'no',
      reply_markup: keyboard('é'.repeat(33)),
    });
    expect(tooLong.body.description).toBe('Bad Request: BUTTON_DATA_INVALID');
  });

  it('accepts drafts only in private chats, and not at all when drafts are off', async () => {
    const chat = fake.privateChat(fake.user(8));
    expect((await api('sendMessageDraft', { chat_id: chat.id, draft_id: 3, text: '' })).body.result).toBe(
      true,
    );
    expect((await api('sendMessageDraft', { chat_id: chat.id, draft_id: 0, text: 'x' })).status).toBe(400);
    const group = fake.group(-5);
    expect((await api('sendMessageDraft', { chat_id: group.id, draft_id: 3, text: 'x' })).status).toBe(400);
    const old = await startFakeTelegram({ drafts: false });
    try {
      old.privateChat(old.user(8));
      const response = await fetch(`${old.url}/bot${old.token}/sendMessageDraft`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: 8, draft_id: 1, text: 'x' }),
      });
      expect(response.status).toBe(404);
    } finally {
      await old.close();
    }
  });

  it('injects 429 with retry_after per method and chat', async () => {
    const a = fake.privateChat(fake.user(1));
    const b = fake.privateChat(fake.user(2));
    fake.rateLimit('sendMessage', { retryAfter: 3, chatId: a.id });
    const limited = await api('sendMessage', { chat_id: a.id, text: 'one' });
    expect(limited).toMatchObject({
      status: 429,
      body: { ok: false, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } },
    });
    expect((await api('sendMessage', { chat_id: b.id, text: 'two' })).body.ok).toBe(true);
    expect((await api('sendMessage', { chat_id: a.id, text: 'three' })).body.ok).toBe(true);
    expect(fake.callsTo('sendMessage', a.id).map((call) => call.errorCode ?? 200)).toEqual([429, 200]);
  });

  it('answers a callback query once', async () => {
    const user = fake.user(9);
    const chat = fake.privateChat(user);
    const sent = await api<TgMessage>('sendMessage', {
      chat_id: chat.id,
      text: 'Approve?',
      reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'approval:1:approve' }]] },
    });
    const update = fake.pressButton({ from: user, message: sent.body.result, data: 'approval:1:approve' });
    const id = update.callback_query?.id ?? '';
    expect((await api('answerCallbackQuery', { callback_query_id: id })).body.ok).toBe(true);
    expect((await api('answerCallbackQuery', { callback_query_id: id })).status).toBe(400);
  });

  it('delivers updates to the webhook with the secret header, and runs a JSON response body as a call', async () => {
    const seen: { secret: string | undefined; body: unknown }[] = [];
    const server = createServer((request: IncomingMessage, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => {
        raw += chunk.toString();
      });
      request.on('end', () => {
        const update = JSON.parse(raw) as { message?: { chat: { id: number } } };
        seen.push({
          secret: request.headers['x-telegram-bot-api-secret-token'] as string | undefined,
          body: update,
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ method: 'sendChatAction', chat_id: update.message?.chat.id, action: 'typing' }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      expect((await api('setWebhook', { url, secret_token: 'bad secret!' })).body.description).toMatch(
        /secret token/,
      );
      expect((await api('setWebhook', { url, secret_token: 's3cret_-X' })).body.ok).toBe(true);
      expect((await api('getUpdates')).status).toBe(409);
      fake.sendText({ from: fake.user(11), text: 'hello' });
      const reply = await fake.waitFor(
        (call) => call.via === 'webhook-reply' && call.method === 'sendChatAction' && call.ok !== undefined,
      );
      expect(reply.ok).toBe(true);
      expect(seen[0]?.secret).toBe('s3cret_-X');
      expect(fake.webhookDeliveries[0]?.status).toBe(200);
      const wrong = await fake.deliverWebhook({ update_id: 1 }, { secret: 'nope' });
      expect(wrong.status).toBe(200);
      expect(seen[1]?.secret).toBe('nope');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('markup parsing', () => {
  it('parses Telegram HTML and refuses what Telegram refuses', () => {
    expect(parseHtml('<b>a<i>b</i></b> &lt;3 &#x1F600;')).toEqual({
      text: 'ab <3 😀',
      entities: [
        { type: 'italic', offset: 1, length: 1 },
        { type: 'bold', offset: 0, length: 2 },
      ],
    });
    expect(() => parseHtml('<b>open')).toThrow(/Can't find end tag corresponding to start tag "b"/);
    expect(() => parseHtml('<b><i>x</b></i>')).toThrow(/Unmatched end tag/);
    expect(() => parseHtml('<script>x</script>')).toThrow(/Unsupported start tag "script"/);
  });

  it('parses MarkdownV2 and refuses unescaped reserved characters and open entities', () => {
    expect(parseMarkdownV2('*bold* _it_ `a.b` \\!')).toMatchObject({ text: 'bold it a.b !' });
    expect(() => parseMarkdownV2('*open')).toThrow(/Can't find end of Bold entity at byte offset 0/);
    expect(() => parseMarkdownV2('1+1')).toThrow(/Character '\+' is reserved/);
  });
});
