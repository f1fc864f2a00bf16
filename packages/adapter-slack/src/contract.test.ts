import { adapterContractSuite, type ContractConversation } from '@switchboard/chat/contract';
import { createLogger } from '@switchboard/core';
import { slackTs, startFakeSlack } from '@switchboard/testkit/fake-slack';
import { createSlackAdapter } from './adapter';
import { encodeAddress } from './address';

let nextChannel = 0;

/** Every button label in Slack blocks. */
function buttonLabels(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(buttonLabels);
  if (typeof value !== 'object' || value === null) return [];
  const node = value as { type?: unknown; text?: { text?: unknown } };
  const own = node.type === 'button' && typeof node.text?.text === 'string' ? [node.text.text] : [];
  return [...own, ...Object.values(value).flatMap(buttonLabels)];
}

adapterContractSuite('slack', async () => {
  const fake = await startFakeSlack();
  const adapter = createSlackAdapter({
    botToken: fake.botToken,
    signingSecret: fake.signingSecret,
    apiUrl: fake.apiUrl,
    logger: createLogger({ level: 'silent' }),
  });
  const controller = new AbortController();
  await adapter.start(async () => ({ status: 'accepted' }), controller.signal);
  return {
    adapter,
    async converse(): Promise<ContractConversation> {
      nextChannel += 1;
      const channel = `C0CONTRACT${nextChannel}`;
      const thread = slackTs();
      const address = encodeAddress({
        team: fake.teamId,
        channel,
        thread,
        user: 'U0ALICE',
        request: `slack:${fake.teamId}:contract-${nextChannel}`,
      });
      return {
        address,
        shown: () => fake.thread(channel, thread).map((message) => message.text),
        choices: () => fake.thread(channel, thread).flatMap((message) => buttonLabels(message.blocks)),
        typings: () =>
          fake.calls.filter(
            (call) => call.method === 'assistant.threads.setStatus' && call.args['channel_id'] === channel,
          ).length,
      };
    },
    rateLimitNextPost(retryAfterMs) {
      for (const method of ['chat.postMessage', 'chat.startStream'])
        fake.rateLimit({ method, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) });
    },
    async close() {
      controller.abort();
      await adapter.stop();
      await fake.close();
    },
  };
});
