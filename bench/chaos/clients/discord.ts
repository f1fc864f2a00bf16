import { setTimeout as sleep } from 'node:timers/promises';
import {
  type FakeDiscord,
  type FakeInteraction,
  snowflake,
} from '../../../packages/testkit/src/fake-discord/index';
import { messageState, type Observation, observeMessages } from '../outcomes';
import { bump, type PlatformClient, sketch } from './client';

/** Discord's deadline for the first answer to an interaction. */
const ACK_DEADLINE_MS = 3_000;
/** The flag of a deferred reply still showing "is thinking…". */
const LOADING = 1 << 7;

/**
 * Discord: each request is an `/ask` slash command in a channel of its own, dispatched on the gateway
 * session of the running box. An interaction nobody acknowledged within 3 s is one Discord gave up on (the
 * user reads "The application did not respond"); what the user sees otherwise is the interaction's
 * transcript — its original response and follow-ups — where a deferred reply never filled is unfinished.
 */
export function createDiscordClient(fake: FakeDiscord): PlatformClient {
  const interactions = new Map<string, FakeInteraction | undefined>();
  const counts: Record<string, number> = {};
  let identifiesBefore = 0;
  return {
    platform: 'discord',
    beforeStart() {
      identifiesBefore = fake.gateway.identifies;
    },
    async ready(signal) {
      while (!(fake.gateway.identifies > identifiesBefore && fake.gateway.connected)) {
        if (signal.aborted) throw new Error('the box never connected to the Discord gateway');
        await sleep(50);
      }
    },
    send(request) {
      request.sentAt = Date.now();
      try {
        const interaction = fake.slashCommand(
          'ask',
          { prompt: request.text },
          { place: { channelId: snowflake(), guildId: fake.world.guildId } },
        );
        interactions.set(request.marker, interaction);
      } catch {
        // No session to dispatch to: the box is down, and Discord tells the user at once.
        bump(counts, 'sent while disconnected');
        interactions.set(request.marker, undefined);
      }
    },
    observe(request): Observation {
      const interaction = interactions.get(request.marker);
      if (interaction === undefined) return observeMessages([], { gaveUp: true, pending: false });
      const acknowledged = interaction.responses.length > 0;
      const withinDeadline = Date.now() - interaction.createdAtReal <= ACK_DEADLINE_MS;
      const states = fake
        .transcript(interaction)
        .map((message) =>
          messageState(message.object.content, request.answer, (message.object.flags & LOADING) !== 0),
        );
      return observeMessages(states, {
        gaveUp: !acknowledged && !withinDeadline,
        pending: !acknowledged && withinDeadline,
      });
    },
    transcript(request) {
      const interaction = interactions.get(request.marker);
      if (interaction === undefined) return ['never dispatched: no gateway session'];
      return [
        `callbacks: ${interaction.responses.map((response) => response.type).join(', ') || 'none'}; refused: ${interaction.duplicateResponses.length}`,
        ...fake
          .transcript(interaction)
          .map((message) =>
            sketch(
              messageState(message.object.content, request.answer, (message.object.flags & LOADING) !== 0),
              message.object.content,
            ),
          ),
      ];
    },
    lastActivity: () => fake.calls.at(-1)?.at ?? 0,
    diagnostics() {
      const all = [...interactions.values()].filter((interaction) => interaction !== undefined);
      return {
        ...counts,
        'never acknowledged': all.filter((interaction) => interaction.responses.length === 0).length,
        'acknowledged twice (refused)': all.reduce(
          (sum, interaction) => sum + interaction.duplicateResponses.length,
          0,
        ),
      };
    },
  };
}
