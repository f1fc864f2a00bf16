/**
 * The adapter contract in web mode, against testkit's fake whatsapp-web.js client. WhatsApp Web itself
 * cannot run offline: the library drives WhatsApp Web's internal modules in a real Chromium linked to a
 * real account.
 */
import { adapterContractSuite, type ContractConversation } from '@switchboard/chat/contract';
import { createLogger } from '@switchboard/core';
import { FakeWhatsAppWeb } from '@switchboard/testkit/fake-whatsapp';
import { createWebModeAdapter } from './adapter';

let nextUser = 15552000000;
const NUMBERED = /Reply (\d+) to (\w+)(?: or (\d+) to (\w+))?/;

adapterContractSuite('whatsapp web', async () => {
  const world = new FakeWhatsAppWeb({ linked: true });
  const adapter = createWebModeAdapter({
    settings: { chromiumPath: '/nonexistent/chromium', groupPrefix: '/ask', progressMs: 0 },
    logger: createLogger({ level: 'silent' }),
    dataDir: '/tmp/unused',
    admitted: new Set<string>(),
    clientFactory: async () => world.createClient(),
    showQr: () => {},
    connectTimeoutMs: 500,
    baseBackoffMs: 50,
  });
  await adapter.start(async () => ({ status: 'accepted' }), new AbortController().signal);
  return {
    adapter,
    async converse(): Promise<ContractConversation> {
      nextUser += 1;
      const chatId = `${nextUser}@c.us`;
      return {
        address: { platform: 'whatsapp', data: { mode: 'web', chatId } },
        shown: () => world.sentTo(chatId),
        choices: () =>
          world
            .sentTo(chatId)
            .flatMap(
              (text) =>
                NUMBERED.exec(text)
                  ?.slice(1)
                  .filter((part) => part !== undefined) ?? [],
            )
            .filter((part) => !/^\d+$/.test(part)),
        typings: () => world.typing.filter((chat) => chat === chatId).length,
      };
    },
    rateLimitNextPost() {
      world.failNextSend();
    },
    close: () => adapter.stop(),
  };
});
