import { App, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import {
  type ChatAdapter,
  type ConnectionStatus,
  describeError,
  type EventSink,
  type OutboundMessage,
  type ReplyAddress,
  type SentMessage,
  SwitchboardError,
  sleep,
  type UnrecordedQuery,
  type WebhookRoute,
} from '@switchboard/core';
import { field, SlackApi } from './api';
import { boltLogger } from './bolt-logger';
import { startError } from './errors';
import { registerListeners } from './listeners';
import type { SlackAdapterOptions } from './options';
import { SlackRateGate } from './rate-gate';
import { WorkspaceLimiter } from './rate-limit';
import { BoltDispatcher, dispatchSocketMode, RouteReceiver } from './receiver';
import { SlackSender, TEXT_LIMIT } from './send';
import { SlackStreamWriter } from './stream';
import { Submitter } from './submit';
import { ThreadMemory } from './threads';
import { findUnrecorded } from './unrecorded';
import { createEventsRoute } from './webhook';

const DEFAULT_API_URL = 'https://slack.com/api/';

/** How long one Web API call may take before it counts as failed. */
const CALL_TIMEOUT_MS = 15_000;

/**
 * The Slack adapter: Bolt for ingress (HTTP through the box's server at `/slack/events`, or Socket Mode
 * when an app token is given), the Web API for replies (threads, mrkdwn, Block Kit buttons, native
 * streaming where the workspace has it).
 */
export function createSlackAdapter(options: SlackAdapterOptions): ChatAdapter {
  const logger = options.logger.child({ platform: 'slack' });
  const mode = options.appToken === undefined ? 'http' : 'socket';
  if (mode === 'http' && !options.signingSecret) {
    throw new SwitchboardError(
      'config_invalid',
      'The Slack adapter needs SLACK_SIGNING_SECRET in HTTP mode (or SLACK_APP_TOKEN for Socket Mode).',
    );
  }
  const apiUrl = options.apiUrl ?? DEFAULT_API_URL;
  const bolt = boltLogger(logger);
  const clientOptions = () => ({
    slackApiUrl: apiUrl,
    logger: bolt,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: CALL_TIMEOUT_MS,
  });
  const client = new WebClient(options.botToken, clientOptions());
  const limiter = new WorkspaceLimiter();
  const api = new SlackApi(client);
  const threads = new ThreadMemory();
  const sender = new SlackSender(api, threads, logger);
  const streamWriter = new SlackStreamWriter(api, sender, logger);
  const submitter = new Submitter(logger);
  const dispatcher = new BoltDispatcher(logger);
  const routeReceiver = new RouteReceiver(dispatcher);
  let app: App | undefined;
  let stopping: Promise<void> | undefined;
  let status: ConnectionStatus = { state: 'connecting' };
  const lifetime = new AbortController();

  const retrying = (failure: SwitchboardError, attempts: number) => {
    if (status.state === 'stopped') return;
    status = { state: 'retrying', reason: failure.message, attempts };
    logger.warn({ code: failure.code, attempts }, 'slack not reachable; retrying');
  };

  /** auth.test, then Bolt on the chosen transport. Cleans up after itself when it fails. */
  const connect = async () => {
    let identity: { teamId: string; botUserId: string; botId: string | undefined };
    try {
      const auth = (await client.auth.test()) as unknown as Record<string, unknown>;
      const teamId = field(auth, 'team_id');
      const botUserId = field(auth, 'user_id');
      if (!teamId || !botUserId) throw new Error('auth.test returned no team or user');
      identity = { teamId, botUserId, botId: field(auth, 'bot_id') };
    } catch (error) {
      throw startError(error, 'auth.test');
    }
    sender.botUserId = identity.botUserId;
    let receiver: SocketModeReceiver | RouteReceiver = routeReceiver;
    if (mode === 'socket') {
      const socket = new SocketModeReceiver({
        appToken: options.appToken as string,
        logger: bolt,
        installerOptions: { clientOptions: { slackApiUrl: apiUrl } },
      });
      dispatchSocketMode(socket, dispatcher, logger);
      socket.client.on('reconnecting', () => {
        if (status.state === 'connected')
          status = {
            state: 'retrying',
            reason: 'the Socket Mode connection dropped; reconnecting',
            attempts: 1,
          };
      });
      socket.client.on('connected', () => {
        if (status.state !== 'stopped') status = { state: 'connected' };
      });
      receiver = socket;
    }
    const started = new App({
      token: options.botToken,
      botUserId: identity.botUserId,
      ...(identity.botId === undefined ? {} : { botId: identity.botId }),
      tokenVerificationEnabled: false,
      receiver,
      socketMode: mode === 'socket',
      logger: bolt,
      clientOptions: clientOptions(),
      convoStore: false,
    });
    started.error(async (error) => {
      logger.warn({ err: describeError(error) }, 'a slack listener failed');
    });
    registerListeners(started, {
      context: {
        botUserId: identity.botUserId,
        command: options.command ?? '/ask',
        threads,
        now: () => new Date(),
      },
      submitter,
      logger,
      requestRetry: (body) => dispatcher.requestRetry(body),
    });
    dispatcher.attach(started);
    try {
      await started.start();
    } catch (error) {
      dispatcher.attach(undefined);
      await started.stop().catch(() => {});
      throw startError(error, 'apps.connections.open');
    }
    if (lifetime.signal.aborted) {
      dispatcher.attach(undefined);
      await started.stop().catch(() => {});
      return;
    }
    app = started;
    status = { state: 'connected' };
    logger.info({ mode, team: identity.teamId }, 'slack adapter started');
  };

  /** After a failed start: try again with a growing pause (1 s doubling to 30 s) until connected or stopped. */
  const keepConnecting = async () => {
    for (let attempt = 2; !lifetime.signal.aborted; attempt += 1) {
      await sleep(Math.min(30_000, 1000 * 2 ** Math.min(attempt - 2, 5)), lifetime.signal).catch(() => {});
      if (lifetime.signal.aborted) return;
      try {
        await connect();
        return;
      } catch (error) {
        const failure = SwitchboardError.isInstance(error) ? error : startError(error, 'auth.test');
        if (failure.code === 'slack_auth') {
          status = { state: 'failed', reason: failure.message };
          logger.error({ code: failure.code }, failure.message);
          return;
        }
        retrying(failure, attempt);
      }
    }
  };

  const route: WebhookRoute | undefined =
    mode === 'http'
      ? createEventsRoute({
          path: options.eventsPath ?? '/slack/events',
          signingSecret: options.signingSecret as string,
          receiver: routeReceiver,
          logger,
          now: options.now ?? Date.now,
        })
      : undefined;

  const adapter: ChatAdapter = {
    platform: 'slack',
    limits: { maxLength: TEXT_LIMIT, minEditIntervalMs: 1_000, canEdit: true, maxButtons: 25 },

    async start(sink: EventSink, signal: AbortSignal) {
      status = { state: 'connecting' };
      submitter.attach(sink);
      signal.addEventListener('abort', () => void adapter.stop(), { once: true });
      try {
        await connect();
      } catch (error) {
        const failure = SwitchboardError.isInstance(error) ? error : startError(error, 'auth.test');
        if (failure.code === 'slack_auth') {
          submitter.attach(undefined);
          status = { state: 'failed', reason: failure.message };
          throw failure;
        }
        retrying(failure, 1);
        void keepConnecting();
      }
    },

    routes: () => (route === undefined ? [] : [route]),

    post: (to: ReplyAddress, message: OutboundMessage, signal?: AbortSignal) =>
      sender.post(to, message, signal),
    edit: (sent: SentMessage, message: OutboundMessage, signal?: AbortSignal) =>
      sender.edit(sent, message, signal),
    streamWriter,
    typing: (to: ReplyAddress, signal?: AbortSignal) => sender.status(to, 'is thinking…', signal),
    rateGate: new SlackRateGate(limiter),
    unrecorded: (query: UnrecordedQuery, signal?: AbortSignal) =>
      findUnrecorded(api, sender.botUserId, query, signal),

    status: () => status,

    stop() {
      stopping ??= (async () => {
        status = { state: 'stopped' };
        lifetime.abort();
        submitter.attach(undefined);
        dispatcher.attach(undefined);
        limiter.close(new SwitchboardError('shutting_down', 'The Slack adapter is stopping.'));
        try {
          await app?.stop();
        } catch (error) {
          logger.warn({ err: describeError(error) }, 'slack adapter did not stop cleanly');
        }
      })();
      return stopping;
    },
  };
  return adapter;
}
