import type { SlackDelivery } from './types';

let sequence = 0;
const next = () => {
  sequence += 1;
  return sequence;
};

/** A Slack-style timestamp id (`1700000000.000123`), unique within this process. */
export function slackTs(): string {
  const seconds = Math.floor(Date.now() / 1000);
  return `${seconds}.${String(next()).padStart(6, '0')}`;
}

/** Where a payload comes from; defaults match {@link startFakeSlack}'s. */
export interface Origin {
  readonly teamId?: string;
  readonly user?: string;
  readonly userName?: string;
  readonly channel?: string;
}

const DEFAULT_TEAM = 'T0FAKE';
const DEFAULT_USER = 'U0ALICE';
const DEFAULT_USER_NAME = 'alice';
const DEFAULT_CHANNEL = 'C0GENERAL';
const APP_ID = 'A0SWITCH';

/** A slash command as Slack POSTs it (form fields). `responseUrl` defaults to nothing useful. */
export function slashCommand(
  options: Origin & {
    readonly text: string;
    readonly command?: string;
    readonly triggerId?: string;
    readonly responseUrl?: string;
    readonly channelName?: string;
  },
): SlackDelivery {
  const n = next();
  return {
    kind: 'command',
    fields: {
      token: 'deprecated-verification-token',
      team_id: options.teamId ?? DEFAULT_TEAM,
      team_domain: 'fake',
      channel_id: options.channel ?? DEFAULT_CHANNEL,
      channel_name: options.channelName ?? 'general',
      user_id: options.user ?? DEFAULT_USER,
      user_name: options.userName ?? DEFAULT_USER_NAME,
      command: options.command ?? '/ask',
      text: options.text,
      api_app_id: APP_ID,
      is_enterprise_install: 'false',
      response_url: options.responseUrl ?? `https://hooks.slack.invalid/commands/${n}`,
      trigger_id: options.triggerId ?? `${n}.1111.${'f'.repeat(32)}`,
    },
  };
}

/** An Events API `event_callback` body around `event`. */
export function eventCallback(
  event: Readonly<Record<string, unknown>>,
  options: { readonly teamId?: string; readonly eventId?: string; readonly botUserId?: string } = {},
): SlackDelivery {
  const team = options.teamId ?? DEFAULT_TEAM;
  return {
    kind: 'event',
    body: {
      token: 'deprecated-verification-token',
      team_id: team,
      api_app_id: APP_ID,
      event,
      type: 'event_callback',
      event_id: options.eventId ?? `Ev${String(next()).padStart(8, '0')}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: team,
          user_id: options.botUserId ?? 'U0BOT',
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
    },
  };
}

/** `app_mention`: someone wrote `<@bot> …` in a channel. `text` should contain the mention. */
export function appMention(
  options: Origin & {
    readonly text: string;
    readonly ts?: string;
    readonly threadTs?: string;
    readonly eventId?: string;
    readonly botUserId?: string;
  },
): SlackDelivery {
  const ts = options.ts ?? slackTs();
  return eventCallback(
    {
      type: 'app_mention',
      user: options.user ?? DEFAULT_USER,
      text: options.text,
      ts,
      ...(options.threadTs === undefined ? {} : { thread_ts: options.threadTs }),
      channel: options.channel ?? DEFAULT_CHANNEL,
      event_ts: ts,
    },
    {
      ...(options.teamId === undefined ? {} : { teamId: options.teamId }),
      ...(options.eventId === undefined ? {} : { eventId: options.eventId }),
      ...(options.botUserId === undefined ? {} : { botUserId: options.botUserId }),
    },
  );
}

/** A `message` event: a DM (`channelType` im, the default for channels starting with D) or a channel message. */
export function messageEvent(
  options: Origin & {
    readonly text: string;
    readonly ts?: string;
    readonly threadTs?: string;
    readonly parentUserId?: string;
    readonly channelType?: 'im' | 'channel' | 'group' | 'mpim';
    readonly subtype?: string;
    readonly botId?: string;
    readonly eventId?: string;
  },
): SlackDelivery {
  const ts = options.ts ?? slackTs();
  const channel = options.channel ?? 'D0ALICE';
  return eventCallback(
    {
      type: 'message',
      ...(options.subtype === undefined ? {} : { subtype: options.subtype }),
      user: options.user ?? DEFAULT_USER,
      ...(options.botId === undefined ? {} : { bot_id: options.botId }),
      text: options.text,
      ts,
      ...(options.threadTs === undefined ? {} : { thread_ts: options.threadTs }),
      ...(options.parentUserId === undefined ? {} : { parent_user_id: options.parentUserId }),
      channel,
      channel_type: options.channelType ?? (channel.startsWith('D') ? 'im' : 'channel'),
      event_ts: ts,
    },
    {
      ...(options.teamId === undefined ? {} : { teamId: options.teamId }),
      ...(options.eventId === undefined ? {} : { eventId: options.eventId }),
    },
  );
}

/** A `block_actions` interaction: `user` pressed the button `actionId` carrying `value` on `message`. */
export function blockActions(
  options: Origin & {
    readonly message: {
      readonly ts: string;
      readonly threadTs?: string;
      readonly text: string;
      readonly blocks?: readonly unknown[];
    };
    readonly actionId: string;
    readonly value: string;
    readonly label?: string;
    readonly triggerId?: string;
    readonly responseUrl?: string;
  },
): SlackDelivery {
  const n = next();
  const team = options.teamId ?? DEFAULT_TEAM;
  const channel = options.channel ?? DEFAULT_CHANNEL;
  const user = options.user ?? DEFAULT_USER;
  const name = options.userName ?? DEFAULT_USER_NAME;
  return {
    kind: 'interaction',
    payload: {
      type: 'block_actions',
      user: { id: user, username: name, name, team_id: team },
      api_app_id: APP_ID,
      token: 'deprecated-verification-token',
      container: {
        type: 'message',
        message_ts: options.message.ts,
        channel_id: channel,
        is_ephemeral: false,
        ...(options.message.threadTs === undefined ? {} : { thread_ts: options.message.threadTs }),
      },
      trigger_id: options.triggerId ?? `${n}.2222.${'a'.repeat(32)}`,
      team: { id: team, domain: 'fake' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channel, name: 'general' },
      message: {
        type: 'message',
        user: 'U0BOT',
        ts: options.message.ts,
        ...(options.message.threadTs === undefined ? {} : { thread_ts: options.message.threadTs }),
        text: options.message.text,
        ...(options.message.blocks === undefined ? {} : { blocks: options.message.blocks }),
      },
      state: { values: {} },
      response_url: options.responseUrl ?? `https://hooks.slack.invalid/actions/${n}`,
      actions: [
        {
          action_id: options.actionId,
          block_id: 'approval',
          text: { type: 'plain_text', text: options.label ?? options.value, emoji: true },
          value: options.value,
          type: 'button',
          action_ts: `${Math.floor(Date.now() / 1000)}.${n}`,
        },
      ],
    },
  };
}

/** The HTTP body and content type Slack uses for a delivery. */
export function encodeDelivery(delivery: SlackDelivery): { body: string; contentType: string } {
  switch (delivery.kind) {
    case 'command':
      return {
        body: new URLSearchParams(delivery.fields).toString(),
        contentType: 'application/x-www-form-urlencoded',
      };
    case 'event':
      return { body: JSON.stringify(delivery.body), contentType: 'application/json' };
    case 'interaction':
      return {
        body: new URLSearchParams({ payload: JSON.stringify(delivery.payload) }).toString(),
        contentType: 'application/x-www-form-urlencoded',
      };
  }
}
