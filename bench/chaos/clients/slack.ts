import {
  appMention,
  deliverWithRetries,
  type FakeSlack,
  type RetriedDelivery,
  SLACK_RETRY_DELAYS_MS,
  slackTs,
} from '../../../packages/testkit/src/fake-slack/index';
import { messageState, type Observation, observeMessages } from '../outcomes';
import { bump, type PlatformClient, sketch } from './client';

/** Slack's retry waits (at once, 1 min, 5 min) shortened fivefold: 0 s, 12 s, 60 s. */
export const SLACK_RETRY_DELAYS_IN_BENCH_MS: readonly number[] = SLACK_RETRY_DELAYS_MS.map(
  (delay) => delay / 5,
);

interface SlackState {
  readonly channel: string;
  delivery: RetriedDelivery | undefined;
}

/**
 * Slack over HTTP: each request is an `app_mention` in a channel of its own, signed and POSTed to the box's
 * `/slack/events`, and retried as Slack retries a delivery that got no 2xx within 3 s (with the waits
 * shortened; see {@link SLACK_RETRY_DELAYS_IN_BENCH_MS}). What the user sees is every message the bot made in that channel; a native stream
 * that was never stopped is unfinished.
 */
export function createSlackClient(
  fake: FakeSlack,
  boxUrl: string,
  runSignal: AbortSignal,
  retryDelaysMs: readonly number[] = SLACK_RETRY_DELAYS_IN_BENCH_MS,
): PlatformClient {
  const states = new Map<string, SlackState>();
  const botMessages = (state: SlackState | undefined) =>
    fake.messages.filter((message) => message.channel === state?.channel && message.user === fake.botUserId);
  return {
    platform: 'slack',
    beforeStart() {},
    async ready() {},
    send(request) {
      const state: SlackState = { channel: `C0CHAOS${request.index}`, delivery: undefined };
      states.set(request.marker, state);
      const mention = appMention({
        text: `<@${fake.botUserId}> ${request.text}`,
        channel: state.channel,
        ts: slackTs(),
        eventId: `Ev${request.marker.replaceAll('-', '').toUpperCase()}`,
      });
      request.sentAt = Date.now();
      void deliverWithRetries(fake, `${boxUrl}/slack/events`, mention, {
        delaysMs: retryDelaysMs,
        signal: runSignal,
      }).then((delivery) => {
        state.delivery = delivery;
      });
    },
    observe(request): Observation {
      const state = states.get(request.marker);
      const messages = botMessages(state);
      const messageStates = messages.map((message) =>
        messageState(message.text, request.answer, message.stream === 'streaming'),
      );
      return observeMessages(messageStates, {
        gaveUp: state?.delivery?.acknowledged === false,
        pending: state !== undefined && state.delivery === undefined,
      });
    },
    transcript(request) {
      const state = states.get(request.marker);
      const attempts = state?.delivery?.attempts.map((attempt) => attempt.failure ?? String(attempt.status));
      return [
        `deliveries: ${attempts?.join(', ') ?? 'still retrying'}`,
        ...botMessages(state).map((message) =>
          sketch(
            `${messageState(message.text, request.answer, message.stream === 'streaming')} (stream ${message.stream ?? 'none'})`,
            message.text,
          ),
        ),
      ];
    },
    lastActivity: () => fake.calls.at(-1)?.at ?? 0,
    diagnostics() {
      const counts: Record<string, number> = {};
      for (const { delivery } of states.values()) {
        if (delivery === undefined) continue;
        bump(counts, 'retries', delivery.attempts.length - 1);
        if (!delivery.acknowledged) bump(counts, 'never acknowledged');
      }
      bump(
        counts,
        'streams left open',
        fake.messages.filter((message) => message.stream === 'streaming').length,
      );
      return counts;
    },
  };
}
