import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http';
import type { CallLog } from './call-log';
import {
  type ApiFailure,
  type ApiUser,
  applyEdit,
  newMessage,
  type StoredMessage,
  validateMessageBody,
} from './messages';
import type { RateLimiter } from './rate-limits';
import { snowflake } from './snowflake';
import type { FakeInteraction, FakeState } from './state';

/** What the REST half of the fake needs to know. */
export interface RestContext {
  readonly state: FakeState;
  readonly log: CallLog;
  readonly limiter: RateLimiter;
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: ApiUser;
  readonly now: () => number;
  readonly ackDeadlineMs: number;
  readonly tokenLifetimeMs: number;
  readonly gatewayUrl: () => string;
}

interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

interface Call {
  readonly method: string;
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly authorization: string | undefined;
}

const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;
const fail = (failure: ApiFailure): Answer => ({ status: failure.status, body: failure.body });
const error = (status: number, code: number, message: string): Answer => ({
  status,
  body: { message, code },
});
const unauthorized = () => error(401, 0, '401: Unauthorized');
const notFound = () => error(404, 0, '404: Not Found');
const unknownInteraction = () => error(404, 10062, 'Unknown interaction');
const unknownMessage = () => error(404, 10008, 'Unknown Message');
const unknownWebhook = () => error(404, 10015, 'Unknown Webhook');
const invalidWebhookToken = () => error(401, 50027, 'Invalid Webhook Token');
const badCallback = (message: string): Answer => ({
  status: 400,
  body: {
    message: 'Invalid Form Body',
    code: 50035,
    errors: { type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message }] } },
  },
});

/** The route name a call is recorded and rate-limited under, and the major parameter of its bucket. */
function classify(
  method: string,
  segments: readonly string[],
): { route: string; major: string; bucketed: boolean } {
  const [first, a, b, c, d] = segments;
  if (first === 'webhooks' && segments.length >= 3) {
    const tail = c === 'messages' ? `/messages/${d === '@original' ? '@original' : ':id'}` : '';
    return { route: `${method} /webhooks/:app/:token${tail}`, major: `${a}/${b}`, bucketed: true };
  }
  if (first === 'channels' && segments.length >= 3) {
    const tail = b === 'messages' ? `/messages${c === undefined ? '' : '/:id'}` : `/${b}`;
    return { route: `${method} /channels/:id${tail}`, major: a ?? '', bucketed: b === 'messages' };
  }
  if (first === 'interactions')
    return { route: `${method} /interactions/:id/:token/callback`, major: a ?? '', bucketed: false };
  if (first === 'applications') {
    const route =
      b === 'guilds' ? '/applications/:app/guilds/:guild/commands' : '/applications/:app/commands';
    return { route: `${method} ${route}`, major: a ?? '', bucketed: false };
  }
  return { route: `${method} /${segments.join('/')}`, major: 'global', bucketed: false };
}

/** Answer every REST call of the fake: the Discord API v10 subset discord.js uses for a gateway bot. */
export function createRestHandler(context: RestContext) {
  const { state } = context;
  const botAuthorized = (call: Call) => call.authorization === `Bot ${context.token}`;

  const interactionByToken = (
    app: string | undefined,
    token: string | undefined,
  ): FakeInteraction | Answer => {
    const interaction = token === undefined ? undefined : state.byToken.get(token);
    if (app !== context.applicationId || interaction === undefined) return unknownWebhook();
    if (context.now() - interaction.createdAt > context.tokenLifetimeMs) return invalidWebhookToken();
    return interaction;
  };

  const store = (message: StoredMessage, allowed: unknown) => {
    message.versions.push(message.object.content);
    message.allowedMentions.push(allowed);
    state.addMessage(message);
    return message;
  };

  const createMessage = (
    channelId: string,
    body: Record<string, unknown>,
    via: StoredMessage['via'],
    interaction: FakeInteraction | undefined,
  ): StoredMessage => {
    const object = newMessage({
      channelId,
      author: context.botUser,
      body,
      ...(via === 'channel' ? {} : { applicationId: context.applicationId }),
      now: context.now(),
    });
    const ephemeral = typeof body['flags'] === 'number' && (body['flags'] & EPHEMERAL) !== 0;
    return store(
      {
        id: object.id,
        channelId,
        via,
        interactionId: interaction?.id,
        ephemeral,
        object,
        versions: [],
        allowedMentions: [],
      },
      body['allowed_mentions'],
    );
  };

  const editMessage = (message: StoredMessage, body: Record<string, unknown>): Answer => {
    const invalid = validateMessageBody(body, false);
    if (invalid) return fail(invalid);
    applyEdit(message.object, body, context.now());
    message.object.flags &= ~LOADING;
    message.versions.push(message.object.content);
    message.allowedMentions.push(body['allowed_mentions']);
    return { status: 200, body: message.object };
  };

  const callback = (call: Call, id: string | undefined, token: string | undefined): Answer => {
    const interaction = id === undefined ? undefined : state.interactions.get(id);
    if (interaction === undefined || interaction.token !== token) return unknownInteraction();
    const body = (call.body ?? {}) as { type?: unknown; data?: Record<string, unknown> };
    const response = { type: Number(body.type), body: call.body, at: Date.now() };
    if (Date.now() - interaction.createdAtReal > context.ackDeadlineMs) return unknownInteraction();
    if (interaction.responses.length > 0) {
      interaction.duplicateResponses.push(response);
      return error(400, 40060, 'Interaction has already been acknowledged.');
    }
    const allowed: Record<number, readonly number[]> = { 2: [4, 5, 9], 3: [4, 5, 6, 7, 9], 4: [8] };
    if (!(allowed[interaction.type] ?? []).includes(response.type)) {
      return badCallback(
        `Callback type ${String(body.type)} is not valid for interaction type ${interaction.type}.`,
      );
    }
    const data = body.data ?? {};
    if (response.type === 4) {
      const invalid = validateMessageBody(data, true);
      if (invalid) return fail(invalid);
      interaction.originalId = createMessage(interaction.channelId, data, 'original', interaction).id;
    } else if (response.type === 5) {
      const flags = (typeof data['flags'] === 'number' ? data['flags'] : 0) | LOADING;
      interaction.originalId = createMessage(
        interaction.channelId,
        { content: '', flags },
        'original',
        interaction,
      ).id;
    } else if (response.type === 6 || response.type === 7) {
      const messageId = String((interaction.payload['message'] as { id?: unknown } | undefined)?.id ?? '');
      const target = state.messages.get(messageId);
      if (response.type === 7) {
        if (target === undefined) return unknownMessage();
        const answer = editMessage(target, data);
        if (answer.status !== 200) return answer;
      }
      interaction.originalId = target?.id;
    } else if (response.type === 8) {
      const choices = (data as { choices?: unknown }).choices;
      if (!Array.isArray(choices) || choices.length > 25)
        return badCallback('Autocomplete needs at most 25 choices.');
    }
    interaction.responses.push(response);
    if (call.query.get('with_response') !== 'true') return { status: 204 };
    const message =
      interaction.originalId === undefined ? undefined : state.messages.get(interaction.originalId);
    return {
      status: 200,
      body: {
        interaction: { id: interaction.id, type: interaction.type, response_message_id: message?.id ?? null },
        resource: { type: response.type, ...(message ? { message: message.object } : {}) },
      },
    };
  };

  const webhook = (call: Call): Answer => {
    const [, app, token, messages, messageId] = call.segments;
    const found = interactionByToken(app, token);
    if ('status' in found) return found;
    const interaction = found;
    const body = (call.body ?? {}) as Record<string, unknown>;
    if (messages === undefined) {
      if (call.method !== 'POST') return notFound();
      if (interaction.responses.length === 0) return unknownWebhook();
      const invalid = validateMessageBody(body, true);
      if (invalid) return fail(invalid);
      const message = createMessage(interaction.channelId, body, 'followup', interaction);
      interaction.followUpIds.push(message.id);
      return { status: 200, body: message.object };
    }
    if (messages !== 'messages' || messageId === undefined) return notFound();
    const id = messageId === '@original' ? interaction.originalId : messageId;
    const message = id === undefined ? undefined : state.messages.get(id);
    const ownsMessage =
      message !== undefined &&
      (message.interactionId === interaction.id || message.id === interaction.originalId);
    if (!ownsMessage || message === undefined) return unknownMessage();
    if (call.method === 'GET') return { status: 200, body: message.object };
    if (call.method === 'PATCH') return editMessage(message, body);
    if (call.method === 'DELETE') {
      state.messages.delete(message.id);
      return { status: 204 };
    }
    return notFound();
  };

  const channel = (call: Call): Answer => {
    if (!botAuthorized(call)) return unauthorized();
    const [, channelId = '', kind, messageId] = call.segments;
    if (kind === 'typing' && call.method === 'POST') return { status: 204 };
    if (kind !== 'messages') return notFound();
    const body = (call.body ?? {}) as Record<string, unknown>;
    if (messageId === undefined && call.method === 'POST') {
      const invalid = validateMessageBody(body, true);
      if (invalid) return fail(invalid);
      return { status: 200, body: createMessage(channelId, body, 'channel', undefined).object };
    }
    const message = messageId === undefined ? undefined : state.messages.get(messageId);
    if (message === undefined || message.channelId !== channelId || message.ephemeral)
      return unknownMessage();
    if (call.method === 'GET') return { status: 200, body: message.object };
    if (message.object.author.id !== context.botUser.id)
      return error(403, 50005, 'Cannot edit a message authored by another user');
    if (call.method === 'PATCH') return editMessage(message, body);
    return notFound();
  };

  const commands = (call: Call): Answer => {
    if (!botAuthorized(call)) return unauthorized();
    const [, app, kind, guildId] = call.segments;
    if (app !== context.applicationId) return error(403, 50001, 'Missing Access');
    const list = kind === 'guilds' ? (state.commands.guilds.get(guildId ?? '') ?? []) : state.commands.global;
    if (call.method === 'GET') return { status: 200, body: list };
    if (call.method !== 'PUT' || !Array.isArray(call.body)) return notFound();
    const problems = call.body.flatMap((command, index) => commandProblems(command, index));
    if (problems.length > 0) {
      return {
        status: 400,
        body: { message: 'Invalid Form Body', code: 50035, errors: Object.fromEntries(problems) },
      };
    }
    const saved = call.body.map((command: Record<string, unknown>) => ({
      id: snowflake(),
      application_id: context.applicationId,
      version: snowflake(),
      type: 1,
      ...command,
      ...(kind === 'guilds' ? { guild_id: guildId } : {}),
    }));
    if (kind === 'guilds') state.commands.guilds.set(guildId ?? '', saved);
    else state.commands.global = saved;
    return { status: 200, body: saved };
  };

  const route = (call: Call): Answer => {
    const [first, second] = call.segments;
    if (first === 'gateway' && (second === 'bot' || second === undefined)) {
      if (second === 'bot' && !botAuthorized(call)) return unauthorized();
      return {
        status: 200,
        body: {
          url: context.gatewayUrl(),
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        },
      };
    }
    if (first === 'users' && second === '@me')
      return botAuthorized(call) ? { status: 200, body: context.botUser } : unauthorized();
    if (first === 'interactions' && call.segments[3] === 'callback' && call.method === 'POST') {
      return callback(call, call.segments[1], call.segments[2]);
    }
    if (first === 'webhooks') return webhook(call);
    if (first === 'channels') return channel(call);
    if (first === 'applications' && (call.segments[2] === 'commands' || call.segments[4] === 'commands'))
      return commands(call);
    return notFound();
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const match = /^\/api(?:\/v\d+)?(\/.*)$/.exec(url.pathname);
    if (match === null) {
      sendJson(response, 404, { message: '404: Not Found', code: 0 });
      return;
    }
    const segments = (match[1] ?? '/')
      .split('/')
      .filter(Boolean)
      .map((part) => decodeURIComponent(part));
    const text = await readBody(request);
    let body: unknown;
    try {
      body = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      sendJson(response, 400, { message: '400: Bad Request', code: 50109 });
      return;
    }
    const method = request.method ?? 'GET';
    const authorization = request.headers.authorization;
    const call: Call = { method, segments, query: url.searchParams, body, authorization };
    const { route: routeName, major, bucketed } = classify(method, segments);
    const path = `/${segments.join('/')}`;

    let answer: Answer;
    const injected = context.limiter.injectedFor(method, path);
    if (injected) {
      const after = (injected.retryAfterMs / 1000).toFixed(3);
      answer = {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: Number(after), global: injected.global },
        headers: {
          'retry-after': after,
          'x-ratelimit-scope': injected.global ? 'global' : 'user',
          ...(injected.global
            ? { 'x-ratelimit-global': 'true' }
            : { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': after }),
        },
      };
    } else if (bucketed && segments[0] === 'channels' && authorization !== `Bot ${context.token}`) {
      answer = unauthorized();
    } else if (bucketed) {
      const verdict = context.limiter.take(routeName, major);
      answer = verdict.allowed
        ? { ...route(call), headers: verdict.headers }
        : {
            status: 429,
            body: {
              message: 'You are being rate limited.',
              retry_after: verdict.retryAfterMs / 1000,
              global: false,
            },
            headers: verdict.headers,
          };
    } else {
      answer = route(call);
    }
    const interactionId =
      first(segments) === 'interactions'
        ? segments[1]
        : first(segments) === 'webhooks'
          ? state.byToken.get(segments[2] ?? '')?.id
          : undefined;
    context.log.record({
      at: Date.now(),
      method,
      path,
      route: routeName,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization,
      interactionId,
      status: answer.status,
      response: answer.body,
    });
    if (answer.status === 204) {
      response.writeHead(204, answer.headers ?? {});
      response.end();
      return;
    }
    sendJson(response, answer.status, answer.body ?? {}, answer.headers ?? {});
  };
}

function first(segments: readonly string[]): string | undefined {
  return segments[0];
}

function commandProblems(command: unknown, index: number): [string, unknown][] {
  const problems: [string, unknown][] = [];
  const { name, description, options } = (command ?? {}) as {
    name?: unknown;
    description?: unknown;
    options?: unknown;
  };
  const bad = (field: string, message: string) =>
    problems.push([`${index}.${field}`, { _errors: [{ code: 'APPLICATION_COMMAND_INVALID', message }] }]);
  if (typeof name !== 'string' || !/^[-_\p{Ll}\p{N}]{1,32}$/u.test(name))
    bad('name', 'Command name is invalid');
  if (typeof description !== 'string' || description.length < 1 || description.length > 100) {
    bad('description', 'Must be between 1 and 100 in length.');
  }
  if (options !== undefined) {
    if (!Array.isArray(options) || options.length > 25) bad('options', 'Must be 25 or fewer in length.');
    else {
      let optionalSeen = false;
      for (const [position, option] of options.entries()) {
        const { name: optionName, description: text, required } = (option ?? {}) as Record<string, unknown>;
        if (typeof optionName !== 'string' || !/^[-_\p{Ll}\p{N}]{1,32}$/u.test(optionName))
          bad(`options.${position}.name`, 'Option name is invalid');
        if (typeof text !== 'string' || text.length < 1 || text.length > 100)
          bad(`options.${position}.description`, 'Must be between 1 and 100 in length.');
        if (required === true && optionalSeen)
          bad(`options.${position}.required`, 'Required options must be placed before non-required options');
        if (required !== true) optionalSeen = true;
      }
    }
  }
  return problems;
}
