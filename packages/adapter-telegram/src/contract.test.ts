import { adapterContractSuite, type ContractConversation } from '@switchboard/chat/contract';
import { startHarness } from '../test/harness';

let nextUser = 1000;

adapterContractSuite('telegram', async () => {
  const harness = await startHarness();
  const { fake } = harness;
  return {
    adapter: harness.adapter,
    async converse(): Promise<ContractConversation> {
      nextUser += 1;
      const userId = nextUser;
      const text = `/ask contract ${userId}`;
      const arriving = harness.nextEvent((event) => event.text === text);
      fake.sendText({ from: fake.user(userId, 'Alice'), text });
      const event = await arriving;
      return {
        address: event.reply,
        shown: () => fake.messages(userId).map((message) => message.text ?? ''),
        choices: () =>
          fake
            .messages(userId)
            .flatMap((message) => message.reply_markup?.inline_keyboard.flat() ?? [])
            .map((button) => button.text),
        typings: () => fake.callsTo('sendChatAction', userId).length,
      };
    },
    rateLimitNextPost(retryAfterMs) {
      fake.failNext('sendMessage', {
        errorCode: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: Math.ceil(retryAfterMs / 1000) },
      });
    },
    close: () => harness.stop(),
  };
});
