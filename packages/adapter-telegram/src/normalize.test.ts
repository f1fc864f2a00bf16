import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromAddress } from './address';
import { CallbackData } from './callback-data';
import { type BotIdentity, normalizeUpdate } from './normalize';

const bot: BotIdentity = { id: 123456, username: 'box_bot' };
const alice = { id: 42, is_bot: false, first_name: 'Alice', last_name: 'Liddell' };
const privateChat = { id: 42, type: 'private', first_name: 'Alice' };
const group = { id: -1001, type: 'supergroup', title: 'Team' };

function text(chat: object, body: string, extra: object = {}) {
  const entities = body.startsWith('/')
    ? [{ type: 'bot_command', offset: 0, length: body.split(' ')[0]?.length ?? 0 }]
    : [];
  return {
    update_id: 9,
    message: { message_id: 5, from: alice, chat, date: 1, text: body, entities, ...extra },
  };
}

const normalize = (update: unknown) => normalizeUpdate(update, bot, new CallbackData(), new Date(0));

describe('normalizeUpdate', () => {
  it('makes any private text a request, with a stable event id and a draft to stream into', () => {
    const ingress = normalize(text(privateChat, 'what is 2+2?'));
    if (ingress.kind !== 'event') throw new Error(ingress.reason);
    expect(ingress.event).toMatchObject({
      id: 'telegram:123456:9',
      kind: 'message',
      conversation: { platform: 'telegram', account: '123456', channel: '42', direct: true },
      author: { platformUserId: '42', displayName: 'Alice Liddell' },
      command: { name: 'ask', args: 'what is 2+2?' },
    });
    expect(fromAddress(ingress.event.reply, 'test')).toEqual({
      chatId: 42,
      chatType: 'private',
      asked: 5,
      draftId: 10,
    });
    const command = normalize(text(privateChat, '/status'));
    expect(command).toMatchObject({
      kind: 'event',
      event: { kind: 'command', command: { name: 'status', args: '' } },
    });
  });

  it('in groups takes commands for this bot, mentions and replies to it, and ignores the rest', () => {
    expect(normalize(text(group, 'lunch anyone?'))).toMatchObject({ kind: 'ignored' });
    expect(normalize(text(group, '/ask@other_bot hi'))).toMatchObject({ kind: 'ignored' });
    expect(normalize(text(group, '/start'))).toMatchObject({ kind: 'ignored' });
    expect(normalize(text(group, '/ask@box_bot hi there'))).toMatchObject({
      kind: 'event',
      event: { command: { name: 'ask', args: 'hi there' } },
    });
    expect(normalize(text(group, '/ask hi'))).toMatchObject({
      kind: 'event',
      event: { command: { name: 'ask', args: 'hi' } },
    });
    const mention = normalize(
      text(group, '@Box_Bot, summarise this', { entities: [{ type: 'mention', offset: 0, length: 8 }] }),
    );
    expect(mention).toMatchObject({
      kind: 'event',
      event: {
        kind: 'message',
        command: { name: 'ask', args: 'summarise this' },
        conversation: { direct: false },
      },
    });
    if (mention.kind !== 'event') throw new Error('not an event');
    expect(fromAddress(mention.event.reply, 'test')).toEqual({
      chatId: -1001,
      chatType: 'supergroup',
      replyTo: 5,
      asked: 5,
    });
    const reply = normalize(
      text(group, 'and in French?', {
        reply_to_message: {
          message_id: 4,
          from: { id: bot.id, is_bot: true, first_name: 'Box' },
          chat: group,
          date: 1,
        },
      }),
    );
    expect(reply).toMatchObject({
      kind: 'event',
      event: { command: { name: 'ask', args: 'and in French?' } },
    });
    const otherMention = normalize(
      text(group, '@someone_else look', { entities: [{ type: 'mention', offset: 0, length: 13 }] }),
    );
    expect(otherMention).toMatchObject({ kind: 'ignored' });
  });

  it('keeps forum topics apart', () => {
    const ingress = normalize(text(group, '/ask hi', { is_topic_message: true, message_thread_id: 77 }));
    expect(ingress).toMatchObject({
      kind: 'event',
      event: { conversation: { channel: '-1001', thread: '77' } },
    });
  });

  it('turns a button press into an action whose reply edits the button message', () => {
    const callbacks = new CallbackData();
    const update = {
      update_id: 11,
      callback_query: {
        id: 'q1',
        from: alice,
        chat_instance: '1',
        data: 'approval:ab12:approve',
        message: {
          message_id: 31,
          from: { id: bot.id, is_bot: true, first_name: 'Box' },
          chat: privateChat,
          date: 1,
          text: 'Run the script?',
        },
      },
    };
    const ingress = normalizeUpdate(update, bot, callbacks);
    if (ingress.kind !== 'event') throw new Error(ingress.reason);
    expect(ingress.callbackQueryId).toBe('q1');
    expect(ingress.event).toMatchObject({
      kind: 'action',
      action: { id: 'approval', value: 'ab12:approve' },
    });
    expect(fromAddress(ingress.event.reply, 'test')).toEqual({
      chatId: 42,
      chatType: 'private',
      editMessageId: 31,
      key: 'telegram:123456:11',
      original: 'Run the script?',
    });
  });

  it('ignores bots, non-text messages and unknown update kinds', () => {
    expect(
      normalize({
        update_id: 1,
        message: {
          message_id: 1,
          from: { id: 3, is_bot: true, first_name: 'B' },
          chat: privateChat,
          text: 'hi',
        },
      }),
    ).toMatchObject({ kind: 'ignored', reason: 'sent by a bot' });
    expect(
      normalize({ update_id: 1, message: { message_id: 1, from: alice, chat: privateChat, photo: [] } }),
    ).toMatchObject({ kind: 'ignored' });
    expect(normalize({ update_id: 1, edited_message: {} })).toMatchObject({
      kind: 'ignored',
      reason: 'unsupported update (edited_message)',
    });
    expect(normalize('nonsense')).toMatchObject({ kind: 'ignored', reason: 'no update_id' });
  });

  it('never throws, whatever JSON arrives', () => {
    const shaped = fc.record(
      {
        update_id: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
        message: fc.record(
          {
            message_id: fc.anything(),
            from: fc.oneof(
              fc.anything(),
              fc.record({ id: fc.anything(), is_bot: fc.anything(), first_name: fc.anything() }),
            ),
            chat: fc.oneof(
              fc.anything(),
              fc.record({
                id: fc.anything(),
                type: fc.constantFrom('private', 'group', 'supergroup', 'channel', 7),
              }),
            ),
            text: fc.oneof(fc.string(), fc.anything()),
            entities: fc.oneof(
              fc.anything(),
              fc.array(fc.record({ type: fc.anything(), offset: fc.anything(), length: fc.anything() })),
            ),
            reply_to_message: fc.anything(),
          },
          { requiredKeys: [] },
        ),
        callback_query: fc.record(
          { id: fc.anything(), from: fc.anything(), data: fc.anything(), message: fc.anything() },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), shaped), (update) => {
        const ingress = normalize(update);
        expect(['event', 'ignored']).toContain(ingress.kind);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('CallbackData', () => {
  it('keeps short payloads in the button itself and long ones by reference', () => {
    const callbacks = new CallbackData();
    const short = callbacks.encode({ id: 'approval', value: '0f8fad5b-d9cb-469f-a165-70867728950e:approve' });
    expect(short).toBe('approval:0f8fad5b-d9cb-469f-a165-70867728950e:approve');
    expect(callbacks.decode(short)).toEqual({
      id: 'approval',
      value: '0f8fad5b-d9cb-469f-a165-70867728950e:approve',
    });
    const long = callbacks.encode({ id: 'approval', value: `${'x'.repeat(80)}:deny` });
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(64);
    expect(callbacks.decode(long)).toEqual({ id: 'approval', value: `${'x'.repeat(80)}:deny` });
    expect(new CallbackData().decode(long)).toEqual({ id: 'expired', value: '' });
  });
});
