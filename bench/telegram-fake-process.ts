/**
 * The fake Bot API in a process of its own, for bench/telegram-latency.ts: the bot under test must not
 * share an event loop with the server that timestamps its calls (real Telegram does not wait for the
 * box's CPU). The parent asks for one request at a time over IPC; every time is taken here, on one clock.
 */
import {
  type FakeTelegram,
  now,
  type RecordedCall,
  startFakeTelegram,
} from '../packages/testkit/src/fake-telegram/index';

/** Parent → child. */
export type FakeCommand =
  | { readonly type: 'measure'; readonly chatId: number; readonly text: string; readonly answer: string }
  | { readonly type: 'close' };

/** Child → parent. */
export type FakeEvent =
  | { readonly type: 'ready'; readonly url: string; readonly token: string }
  | {
      readonly type: 'measured';
      readonly firstReplyMs: number;
      readonly answerMs: number;
      readonly firstMethod: string;
    }
  | { readonly type: 'failed'; readonly message: string };

const REPLY_METHODS = new Set(['sendMessage', 'sendMessageDraft', 'editMessageText']);

async function measure(
  fake: FakeTelegram,
  command: Extract<FakeCommand, { type: 'measure' }>,
): Promise<FakeEvent> {
  const toChat = (call: RecordedCall) =>
    REPLY_METHODS.has(call.method) && Number(call.params['chat_id']) === command.chatId;
  const first = fake.waitFor(toChat, 10_000);
  const answer = fake.waitFor(
    (call) => toChat(call) && String(call.params['text'] ?? '').includes(command.answer),
    10_000,
  );
  const finished = fake.waitFor(
    (call) =>
      call.method === 'sendMessage' &&
      call.ok !== undefined &&
      Number(call.params['chat_id']) === command.chatId,
    10_000,
  );
  const start = now();
  fake.sendText({ from: fake.user(command.chatId, `User${command.chatId}`), text: command.text });
  const [firstCall, answerCall] = await Promise.all([first, answer, finished]);
  return {
    type: 'measured',
    firstReplyMs: firstCall.at - start,
    answerMs: answerCall.at - start,
    firstMethod: firstCall.method,
  };
}

const send = (event: FakeEvent) => process.send?.(event);
const fake = await startFakeTelegram({ maxHoldMs: 60_000 });
process.on('message', (command: FakeCommand) => {
  if (command.type === 'close') {
    void fake.close().then(() => process.exit(0));
    return;
  }
  measure(fake, command).then(send, (error: unknown) => send({ type: 'failed', message: String(error) }));
});
send({ type: 'ready', url: fake.url, token: fake.token });
