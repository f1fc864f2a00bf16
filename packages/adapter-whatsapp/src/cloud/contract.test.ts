import { adapterContractSuite, type ContractConversation } from '@switchboard/chat/contract';
import { createLogger } from '@switchboard/core';
import { type GraphCall, startFakeGraph } from '@switchboard/testkit/fake-whatsapp';
import { createCloudAdapter } from './adapter';

let nextUser = 15550001000;

interface Interactive {
  readonly body?: { readonly text?: string };
  readonly action?: { readonly buttons?: readonly { readonly reply?: { readonly title?: string } }[] };
}

const interactiveOf = (call: GraphCall) => (call.body?.['interactive'] ?? {}) as Interactive;

function textOf(call: GraphCall): string {
  if (call.kind === 'interactive') return interactiveOf(call).body?.text ?? '';
  return String((call.body?.['text'] as { body?: unknown } | undefined)?.body ?? '');
}

adapterContractSuite('whatsapp cloud', async () => {
  const graph = await startFakeGraph();
  const adapter = createCloudAdapter({
    settings: {
      token: graph.token,
      phoneNumberId: graph.phoneNumberId,
      appSecret: 'contract-secret',
      verifyToken: 'contract-verify',
      graphUrl: graph.url,
      template: undefined,
      progressMs: 600_000,
    },
    logger: createLogger({ level: 'silent' }),
    mayUse: () => true,
  });
  return {
    adapter,
    async converse(): Promise<ContractConversation> {
      nextUser += 1;
      const waId = String(nextUser);
      const messageId = `wamid.contract${waId}`;
      graph.userWrote(waId);
      const delivered = () =>
        graph.calls.filter(
          (call) =>
            call.to === waId && call.status === 200 && (call.kind === 'text' || call.kind === 'interactive'),
        );
      return {
        address: { platform: 'whatsapp', data: { mode: 'cloud', waId, messageId, wroteAt: Date.now() } },
        shown: () => delivered().map(textOf),
        choices: () =>
          delivered().flatMap((call) =>
            (interactiveOf(call).action?.buttons ?? []).map((button) => button.reply?.title ?? ''),
          ),
        typings: () =>
          graph.calls.filter((call) => call.kind === 'typing' && call.body?.['message_id'] === messageId)
            .length,
      };
    },
    rateLimitNextPost() {
      graph.fail({ code: 130429, kinds: ['text'] });
    },
    close: () => graph.close(),
  };
});
