import type { WebMessage } from '@switchboard/testkit/fake-whatsapp';
import { describe, expect, it } from 'vitest';
import { readWebMessage } from './ingress';

const ME = '15550001111';
const rules = { me: ME, admitted: new Set(['15551230001']), groupPrefix: '/ask' };
const message = (fields: Partial<WebMessage>): WebMessage => ({
  id: { fromMe: false, remote: 'x', id: 'ABC', _serialized: 'false_x_ABC' },
  body: 'hello',
  from: `${ME}@c.us`,
  to: `${ME}@c.us`,
  fromMe: true,
  type: 'chat' as WebMessage['type'],
  hasMedia: false,
  timestamp: 1,
  ...fields,
});

describe('which WhatsApp Web messages are requests', () => {
  it("reads the owner's own chat, also when WhatsApp Web names it by a LID", () => {
    expect(readWebMessage(message({}), rules)).toMatchObject({ kind: 'request', sender: ME, direct: true });
    expect(
      readWebMessage(message({ from: '123456789012345@lid', to: '123456789012345@lid' }), rules),
    ).toMatchObject({ kind: 'request', chatId: '123456789012345@lid', sender: ME });
  });

  it("ignores the owner's messages to other people, strangers, status updates and unprefixed group talk", () => {
    expect(readWebMessage(message({ to: '15557777777@c.us' }), rules).kind).toBe('ignored');
    expect(readWebMessage(message({ fromMe: false, from: '15557777777@c.us' }), rules).kind).toBe('ignored');
    expect(readWebMessage(message({ fromMe: false, from: 'status@broadcast' }), rules).kind).toBe('ignored');
    expect(
      readWebMessage(
        message({ fromMe: false, from: '1203@g.us', author: '15551230001@c.us', body: 'lunch?' }),
        rules,
      ).kind,
    ).toBe('ignored');
    expect(
      readWebMessage(
        message({ fromMe: false, from: '1203@g.us', author: '15551230001@c.us', body: '/ASK lunch?' }),
        rules,
      ),
    ).toMatchObject({ kind: 'request', text: 'lunch?', direct: false });
  });

  it('calls media from an admitted number media, and media from others nothing', () => {
    const voice = { type: 'ptt' as WebMessage['type'], hasMedia: true, body: '' };
    expect(readWebMessage(message({ ...voice, fromMe: false, from: '15551230001@c.us' }), rules).kind).toBe(
      'media',
    );
    expect(readWebMessage(message({ ...voice, fromMe: false, from: '15557777777@c.us' }), rules).kind).toBe(
      'ignored',
    );
  });
});
