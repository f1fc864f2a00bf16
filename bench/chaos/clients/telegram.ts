import type { FakeTelegram } from '../../../packages/testkit/src/fake-telegram/index';
import { TELEGRAM_FIRST_USER } from '../fakes';
import { messageState, type Observation, observeMessages } from '../outcomes';
import type { ChaosRequest } from '../requests';
import { bump, type PlatformClient, sketch } from './client';

/**
 * Telegram: each request is a private-chat message from its own user (so every bot message in that chat
 * answers it). Telegram keeps an update until the bot confirms it, so it never gives up on a request; what
 * the user sees is the final state of every message the bot made in the chat (drafts are not messages).
 */
export function createTelegramClient(fake: FakeTelegram): PlatformClient {
  const updates = new Map<string, number>();
  const chatOf = (request: ChaosRequest) => TELEGRAM_FIRST_USER + request.index;
  return {
    platform: 'telegram',
    beforeStart() {},
    async ready() {},
    send(request) {
      const chat = chatOf(request);
      const update = fake.sendText({ from: fake.user(chat, `Chaos${request.index}`), text: request.text });
      updates.set(request.marker, update.update_id);
      request.sentAt = Date.now();
    },
    observe(request): Observation {
      const states = fake
        .messages(chatOf(request))
        .map((message) => messageState(message.text ?? '', request.answer));
      const update = updates.get(request.marker);
      return observeMessages(states, {
        gaveUp: false,
        pending: update !== undefined && fake.confirmedOffset <= update,
      });
    },
    transcript(request) {
      const chat = chatOf(request);
      const update = updates.get(request.marker);
      const drafts = fake.callsTo('sendMessageDraft', chat).filter((call) => call.ok).length;
      return [
        `update ${update} ${update !== undefined && fake.confirmedOffset > update ? 'confirmed' : 'never confirmed'}, ${drafts} drafts`,
        ...fake
          .messages(chat)
          .map((message) => sketch(messageState(message.text ?? '', request.answer), message.text ?? '')),
      ];
    },
    lastActivity: () => Math.floor(fake.calls.findLast((call) => call.method !== 'getUpdates')?.at ?? 0),
    diagnostics() {
      const counts: Record<string, number> = {};
      const unconfirmed = [...updates.values()].filter((update) => fake.confirmedOffset <= update).length;
      bump(counts, 'updates never confirmed', unconfirmed);
      bump(
        counts,
        'sendMessage',
        fake.calls.filter((call) => call.method === 'sendMessage' && call.ok).length,
      );
      return counts;
    },
  };
}
