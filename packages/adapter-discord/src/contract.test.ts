import { adapterContractSuite, type ContractConversation } from '@switchboard/chat/contract';
import type { StoredMessage } from '@switchboard/testkit/fake-discord';
import { startHarness } from '../test/harness';

const labels = (message: StoredMessage) =>
  (message.object.components as { components?: { label?: string }[] }[]).flatMap((row) =>
    (row.components ?? []).map((button) => button.label ?? ''),
  );

adapterContractSuite('discord', async () => {
  const harness = await startHarness();
  const { fake } = harness;
  return {
    adapter: harness.adapter,
    async converse(): Promise<ContractConversation> {
      const interaction = fake.slashCommand('ask', { prompt: 'contract' });
      const event = await harness.nextEvent();
      return {
        address: event.reply,
        shown: () => fake.transcript(interaction).map((message) => message.object.content),
        choices: () => fake.transcript(interaction).flatMap(labels),
        typings: () => fake.calls.filter((call) => call.route === 'POST /channels/:id/typing').length,
      };
    },
    rateLimitNextPost(retryAfterMs) {
      fake.rateLimitNext(/\/webhooks\//, { retryAfterMs, method: 'PATCH' });
    },
    close: () => harness.close(),
  };
});
